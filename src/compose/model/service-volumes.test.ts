import { describe, expect, it } from "vitest";
import { parseVolumeShort } from "./service-volumes.ts";

const val = (s: string) => {
  const r = parseVolumeShort(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const err = (s: string) => {
  const r = parseVolumeShort(s);
  return r.ok ? undefined : r.error;
};

describe("parseVolumeShort", () => {
  it("bind mount with options", () => {
    expect(val("./data:/data:ro")).toEqual({
      type: "bind",
      source: "./data",
      target: "/data",
      read_only: true,
      bind: { create_host_path: true },
    });
    expect(val("/src:/dst:rw,rshared,z").bind).toEqual({ create_host_path: true, propagation: "rshared", selinux: "z" });
  });
  it("named volume", () => {
    expect(val("named:/x")).toEqual({ type: "volume", source: "named", target: "/x", read_only: false, volume: { nocopy: false } });
    expect(val("named:/x:nocopy").volume).toEqual({ nocopy: true });
  });
  it("anonymous volume", () => {
    expect(val("/var/lib/data")).toEqual({ type: "volume", target: "/var/lib/data", read_only: false, volume: { nocopy: false } });
  });
  it("home-relative sources are bind mounts", () => {
    expect(val("~/x:/x").type).toBe("bind");
  });
  it("rejects malformed specs", () => {
    expect(err("/foo:/foo:ro:foo")).toMatch(/too many colons/);
    expect(err(":foo")).toMatch(/empty section/);
    expect(err("/foo::ro")).toMatch(/empty section/);
    expect(err("data:relative")).toMatch(/absolute path/);
    expect(err("/a:/b:bogus")).toMatch(/unknown option/);
    expect(err("vol:/b:rshared")).toMatch(/bind mounts only/);
  });
});
