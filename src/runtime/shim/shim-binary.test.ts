import { describe, expect, it } from "vitest";
import { shimBinaryPath } from "./shim-binary.ts";

describe("shimBinaryPath", () => {
  it("finds native/build under the nearest package root", () => {
    const exists = (p: string) => p === "/pkg/package.json";
    expect(shimBinaryPath(undefined, "file:///pkg/dist/runtime/shim/shim-binary.js", exists)).toBe("/pkg/native/build/tstack-shim");
    expect(shimBinaryPath(undefined, "file:///pkg/src/runtime/shim/shim-binary.ts", exists)).toBe("/pkg/native/build/tstack-shim");
  });

  it("honours an override", () => {
    expect(shimBinaryPath("/usr/libexec/tstack-shim")).toBe("/usr/libexec/tstack-shim");
  });

  it("resolves this checkout's binary by default", () => {
    expect(shimBinaryPath()).toMatch(/\/native\/build\/tstack-shim$/);
  });
});
