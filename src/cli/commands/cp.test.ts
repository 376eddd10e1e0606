import { describe, expect, it } from "vitest";
import { parseCopyArg } from "./cp.ts";

describe("cp's arguments", () => {
  it("tells service paths from host paths", () => {
    expect(parseCopyArg("web:/etc/hosts")).toEqual({ service: "web", path: "/etc/hosts" });
    expect(parseCopyArg("./web:x")).toEqual({ host: "./web:x" });
    expect(parseCopyArg("/tmp/a:b")).toEqual({ host: "/tmp/a:b" });
    expect(parseCopyArg("file.txt")).toEqual({ host: "file.txt" });
  });
});
