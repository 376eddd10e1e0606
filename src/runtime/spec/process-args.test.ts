import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { resolveProcessArgs } from "./process-args.ts";

const image = { imageEntrypoint: ["/entry.sh"], imageCmd: ["serve", "--port", "80"] };

describe("resolveProcessArgs (Docker's Entrypoint/Cmd rules)", () => {
  it("runs the image's entrypoint with its cmd when nothing is overridden", () => {
    expect(resolveProcessArgs(image)).toEqual(["/entry.sh", "serve", "--port", "80"]);
  });

  it("replaces only the cmd when a cmd is given", () => {
    expect(resolveProcessArgs({ ...image, cmd: ["sh"] })).toEqual(["/entry.sh", "sh"]);
  });

  it("treats an empty cmd as not given", () => {
    expect(resolveProcessArgs({ ...image, cmd: [] })).toEqual(["/entry.sh", "serve", "--port", "80"]);
  });

  it("drops the image's cmd when the entrypoint is overridden", () => {
    expect(resolveProcessArgs({ ...image, entrypoint: ["/bin/sh", "-c"] })).toEqual(["/bin/sh", "-c"]);
  });

  it("uses both overrides together", () => {
    expect(resolveProcessArgs({ ...image, entrypoint: ["/bin/sh", "-c"], cmd: ["echo hi"] })).toEqual([
      "/bin/sh",
      "-c",
      "echo hi",
    ]);
  });

  it("clears the entrypoint with [] and keeps the image's cmd", () => {
    expect(resolveProcessArgs({ ...image, entrypoint: [] })).toEqual(["serve", "--port", "80"]);
  });

  it("clears the entrypoint with [''] (docker run --entrypoint '')", () => {
    expect(resolveProcessArgs({ ...image, entrypoint: [""] })).toEqual(["serve", "--port", "80"]);
    expect(resolveProcessArgs({ ...image, entrypoint: [""], cmd: ["ls"] })).toEqual(["ls"]);
  });

  it("handles images whose Entrypoint or Cmd are null", () => {
    expect(resolveProcessArgs({ imageEntrypoint: null, imageCmd: ["sh"] })).toEqual(["sh"]);
    expect(resolveProcessArgs({ imageEntrypoint: ["/tini"], imageCmd: null })).toEqual(["/tini"]);
  });

  it("refuses to run nothing", () => {
    const err = (() => {
      try {
        resolveProcessArgs({ imageEntrypoint: null, imageCmd: null });
      } catch (e) {
        return e;
      }
    })();
    expect(isKind(err, "InvalidArgument")).toBe(true);
    expect(() => resolveProcessArgs({ ...image, entrypoint: [] , imageCmd: [] })).toThrow(/no command specified/);
  });
});
