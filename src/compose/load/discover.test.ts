import { describe, expect, it } from "vitest";
import { discoverComposeFiles } from "./discover.ts";
import { memoryLoaderFs } from "./loader-fs.ts";

describe("discoverComposeFiles", () => {
  it("finds the file in a parent directory with its override", async () => {
    const fs = memoryLoaderFs({
      "/a/compose.yaml": "",
      "/a/compose.override.yaml": "",
      "/compose.yaml": "",
    });
    expect(await discoverComposeFiles("/a/b/c", fs)).toEqual({
      files: ["/a/compose.yaml", "/a/compose.override.yaml"],
      warnings: [],
    });
  });

  it("prefers compose.yaml and warns about several candidates", async () => {
    const fs = memoryLoaderFs({ "/p/docker-compose.yml": "", "/p/compose.yaml": "" });
    const found = await discoverComposeFiles("/p", fs);
    expect(found?.files).toEqual(["/p/compose.yaml"]);
    expect(found?.warnings[0]).toContain("multiple config files");
  });

  it("returns undefined when nothing is found", async () => {
    expect(await discoverComposeFiles("/x/y", memoryLoaderFs({}))).toBeUndefined();
  });
});
