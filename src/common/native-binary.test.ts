import { describe, expect, it } from "vitest";
import { nativeBinaryPath } from "./native-binary.ts";
import { nativeSpawnerBinaryPath } from "./spawn/native-spawner-binary.ts";
import { shimBinaryPath } from "../runtime/shim/shim-binary.ts";

describe("the native programs' paths", () => {
  it("are native/build under the nearest package root, from src/ and from dist/", () => {
    const exists = (p: string) => p === "/pkg/package.json";
    expect(nativeBinaryPath("x", "file:///pkg/src/common/native-binary.ts", exists)).toBe("/pkg/native/build/x");
    expect(nativeBinaryPath("x", "file:///pkg/dist/cli/main.js", exists)).toBe("/pkg/native/build/x");
    expect(nativeBinaryPath("x", "file:///nowhere/a/b.js", () => false)).toBe("/nowhere/a/native/build/x");
  });

  it("take an override as is, and find this checkout's binaries", () => {
    expect(shimBinaryPath("/usr/libexec/tstack-shim")).toBe("/usr/libexec/tstack-shim");
    expect(nativeSpawnerBinaryPath("/usr/libexec/tstack-spawn")).toBe("/usr/libexec/tstack-spawn");
    expect(shimBinaryPath()).toMatch(/\/native\/build\/tstack-shim$/);
    expect(nativeSpawnerBinaryPath()).toMatch(/\/native\/build\/tstack-spawn$/);
  });
});
