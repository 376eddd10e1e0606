import { describe, expect, it } from "vitest";
import { watchPorts } from "./watch.ts";

describe("watch's ports", () => {
  it("fail a rebuild clearly until the builder is wired in", async () => {
    const ports = watchPorts(true);
    expect(ports.prune).toBe(true);
    await expect(ports.rebuild("api", { signal: new AbortController().signal, prune: true })).rejects.toThrow("rebuild needs the builder (not yet available)");
  });
});
