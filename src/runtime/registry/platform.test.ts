import { describe, expect, it } from "vitest";
import type { Descriptor } from "./manifest-types.ts";
import { formatPlatform, hostPlatform, parsePlatform, platformRank, selectPlatform } from "./platform.ts";

const entry = (n: number, platform?: Descriptor["platform"]): Descriptor => ({
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 1,
  ...(platform ? { platform } : {}),
});

describe("platform", () => {
  it("maps Node's process.platform/arch to OCI names", () => {
    expect(hostPlatform({ platform: "linux", arch: "x64" })).toEqual({ os: "linux", architecture: "amd64" });
    expect(hostPlatform({ platform: "linux", arch: "arm64" })).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(hostPlatform({ platform: "linux", arch: "arm", armVersion: "6" })).toEqual({ os: "linux", architecture: "arm", variant: "v6" });
    expect(hostPlatform({ platform: "win32", arch: "ia32" })).toEqual({ os: "windows", architecture: "386" });
    expect(hostPlatform().os).toBe(process.platform === "win32" ? "windows" : process.platform);
  });

  it("parses and formats os/arch/variant", () => {
    expect(parsePlatform("linux/arm64/v8")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(parsePlatform("linux/AMD64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux")).toBeUndefined();
    expect(parsePlatform("linux/arm/")).toBeUndefined();
    expect(formatPlatform({ os: "linux", architecture: "arm", variant: "v7" })).toBe("linux/arm/v7");
  });

  it("ranks variants: arm64 without variant is v8; older arm variants run on newer hosts", () => {
    expect(platformRank({ os: "linux", architecture: "arm64", variant: "v8" }, { os: "linux", architecture: "arm64" })).toBe(0);
    expect(platformRank({ os: "linux", architecture: "arm", variant: "v7" }, { os: "linux", architecture: "arm", variant: "v6" })).toBe(1);
    expect(platformRank({ os: "linux", architecture: "arm", variant: "v6" }, { os: "linux", architecture: "arm", variant: "v7" })).toBeUndefined();
    expect(platformRank({ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "amd64", variant: "v3" })).toBe(0);
    expect(platformRank({ os: "linux", architecture: "amd64" }, { os: "windows", architecture: "amd64" })).toBeUndefined();
  });

  it("selects the best entry and lists what is available otherwise", () => {
    const list = [
      entry(1),
      entry(2, { os: "linux", architecture: "arm", variant: "v6" }),
      entry(3, { os: "linux", architecture: "arm", variant: "v7" }),
      entry(4, { os: "unknown", architecture: "unknown" }),
      entry(5, { os: "linux", architecture: "arm", variant: "v7" }),
    ];
    expect(selectPlatform(list, { os: "linux", architecture: "arm", variant: "v7" }, "img").digest).toBe(list[2]?.digest);
    expect(selectPlatform(list, { os: "linux", architecture: "arm", variant: "v8" }, "img").digest).toBe(list[2]?.digest);
    expect(() => selectPlatform(list, { os: "linux", architecture: "amd64" }, "img")).toThrow(
      "no matching manifest for linux/amd64 in the manifest list of img (available platforms: linux/arm/v6, linux/arm/v7)",
    );
  });
});
