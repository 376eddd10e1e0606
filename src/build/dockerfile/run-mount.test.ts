import { describe, expect, it } from "vitest";
import { checkMountSpec, parseMount } from "./run-mount.ts";

const same = (v: string) => v;

describe("parseMount", () => {
  it("reads a cache mount with defaults", () => {
    expect(parseMount("type=cache,target=/root/.cache", same)).toEqual({
      type: "cache",
      target: "/root/.cache",
      id: "/root/.cache",
      sharing: "shared",
      readonly: false,
      mode: 0o755,
      uid: 0,
      gid: 0,
    });
    expect(parseMount("type=cache,target=/a,id=x,sharing=locked,mode=0700,uid=1000,gid=1000,ro", same)).toMatchObject({
      id: "x",
      sharing: "locked",
      mode: 0o700,
      uid: 1000,
      readonly: true,
    });
  });
  it("reads bind mounts (read-only unless rw) with aliases", () => {
    expect(parseMount("src=go.sum,dst=go.sum", same)).toEqual({ type: "bind", target: "go.sum", source: "go.sum", readonly: true });
    expect(parseMount("type=bind,from=build,source=/out,target=/mnt,rw", same)).toEqual({
      type: "bind",
      target: "/mnt",
      source: "/out",
      from: "build",
      readonly: false,
    });
  });
  it("reads tmpfs, secret and ssh mounts", () => {
    expect(parseMount("type=tmpfs,target=/tmp,size=64m", same)).toEqual({ type: "tmpfs", target: "/tmp", size: 64 * 1024 * 1024 });
    expect(parseMount("type=secret,id=npmrc", same)).toMatchObject({ id: "npmrc", target: "/run/secrets/npmrc", mode: 0o400, required: false });
    expect(parseMount("type=secret,target=/root/.npmrc,required", same)).toMatchObject({ id: ".npmrc", required: true });
    expect(parseMount("type=secret,id=tok,env=TOKEN", same)).toEqual({ type: "secret", id: "tok", env: "TOKEN", required: false, mode: 0o400, uid: 0, gid: 0 });
    expect(parseMount("type=ssh", same)).toMatchObject({ type: "ssh", id: "default", mode: 0o600 });
  });
  it("expands values but never from", () => {
    const m = parseMount("type=cache,target=/t,id=target-$ARCH", (v) => v.replace("$ARCH", "arm64"));
    expect(m).toMatchObject({ id: "target-arm64" });
  });
  it("reads quoted CSV fields", () => {
    expect(parseMount(`type=bind,"target=/a,b"`, same)).toMatchObject({ target: "/a,b" });
  });
  it("names what is wrong", () => {
    expect(() => parseMount("type=nfs,target=/a", same)).toThrow('unsupported mount type "nfs"');
    expect(() => parseMount("type=bind", same)).toThrow("type=bind requires a target");
    expect(() => parseMount("type=tmpfs,target=/a,id=x", same)).toThrow("unexpected key 'id' for mount type 'tmpfs'");
    expect(() => parseMount("type=cache,target=/a,sharing=lots", same)).toThrow("unsupported sharing value");
    expect(() => parseMount("type=cache,target=/a,mode=999", same)).toThrow("invalid value for mode");
    expect(() => parseMount("type=cache,target=/a,bogus", same)).toThrow("unexpected key 'bogus'");
    expect(() => parseMount("type=secret", same)).toThrow("requires an id or a target");
  });
});

describe("checkMountSpec", () => {
  it("checks static values and leaves variables for later", () => {
    expect(checkMountSpec("type=cache,target=/t,mode=$MODE")).toEqual({ text: "type=cache,target=/t,mode=$MODE", type: "cache" });
    expect(checkMountSpec("type=bind,from=build,target=/x")).toMatchObject({ from: "build" });
    expect(() => checkMountSpec("type=cache,target=/t,mode=9")).toThrow("invalid value for mode");
    expect(() => checkMountSpec("type=bind,from=$STAGE,target=/x")).toThrow("define an alias stage");
  });
});
