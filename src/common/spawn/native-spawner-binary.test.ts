import { describe, expect, it } from "vitest";
import { nativeSpawnerBinaryPath } from "./native-spawner-binary.ts";

describe("nativeSpawnerBinaryPath", () => {
  it("is native/build/tstack-spawn under the package root, from src/ and from dist/", () => {
    const exists = (p: string) => p === "/pkg/package.json";
    expect(nativeSpawnerBinaryPath(undefined, "file:///pkg/src/common/spawn/native-spawner-binary.ts", exists)).toBe("/pkg/native/build/tstack-spawn");
    expect(nativeSpawnerBinaryPath(undefined, "file:///pkg/dist/cli/main.js", exists)).toBe("/pkg/native/build/tstack-spawn");
  });

  it("takes an override as is", () => {
    expect(nativeSpawnerBinaryPath("/usr/libexec/tstack-spawn")).toBe("/usr/libexec/tstack-spawn");
  });

  it("finds this checkout's binary path", () => {
    expect(nativeSpawnerBinaryPath()).toMatch(/\/native\/build\/tstack-spawn$/);
  });
});
