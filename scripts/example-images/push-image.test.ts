import { describe, it, expect } from "vitest";
import { exampleImageRef, isLoopbackRegistry, pushImage } from "./push-image.ts";

describe("example image references and pushes", () => {
  it("names images under tstack-example/ with the example's tag", () => {
    expect(exampleImageRef("127.0.0.1:5000", "backend")).toBe("127.0.0.1:5000/tstack-example/backend:1");
  });

  it("treats only loopback registries as plain HTTP", () => {
    expect(["127.0.0.1:5000", "localhost:5000", "[::1]:5000", "127.0.0.2"].map(isLoopbackRegistry)).toEqual([true, true, true, true]);
    expect(["registry.example.com", "10.0.0.1:5000", "localhost.example.com:5000"].map(isLoopbackRegistry)).toEqual([false, false, false]);
  });

  it("copies the layout's tag with skopeo, TLS verification off only for loopback", async () => {
    const calls: string[][] = [];
    const run = async (file: string, args: readonly string[]) => (calls.push([file, ...args]), "");
    await pushImage(run, "/l", "db", "127.0.0.1:5000/tstack-example/db:1");
    await pushImage(run, "/l", "db", "registry.example.com/x/db:1");
    expect(calls).toEqual([
      ["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:/l:db", "docker://127.0.0.1:5000/tstack-example/db:1"],
      ["skopeo", "copy", "--quiet", "oci:/l:db", "docker://registry.example.com/x/db:1"],
    ]);
  });
});
