import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { parsePasswd, resolveUser } from "./user.ts";

const passwd = [
  "root:x:0:0:root:/root:/bin/sh",
  "# a comment",
  "",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "app:x:1000:1000:App:/home/app:/bin/sh",
  "nohome:x:1001:1001:::/bin/sh",
  "broken:x:notanumber:1",
].join("\n");
const group = [
  "root:x:0:",
  "daemon:x:1:",
  "tty:x:5:app",
  "app:x:1000:",
  "docker:x:999:app,other",
  "video:x:44:",
].join("\n");

const files = { passwd, group };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

describe("resolveUser", () => {
  it("defaults to root with root's home", () => {
    expect(resolveUser({ ...files })).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: "/root" });
    expect(resolveUser({ ...files, user: "" })).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: "/root" });
  });

  it("resolves a name to its uid, primary gid, supplementary groups and home", () => {
    expect(resolveUser({ ...files, user: "app" })).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [1000, 5, 999],
      home: "/home/app",
    });
  });

  it("resolves a uid present in passwd like its name", () => {
    expect(resolveUser({ ...files, user: "1000" })).toEqual(resolveUser({ ...files, user: "app" }));
  });

  it("accepts a uid missing from passwd, with gid 0 and home /", () => {
    expect(resolveUser({ ...files, user: "4242" })).toEqual({ uid: 4242, gid: 0, additionalGids: [0], home: "/" });
  });

  it("takes uid:gid literally", () => {
    expect(resolveUser({ ...files, user: "4242:4343" })).toEqual({ uid: 4242, gid: 4343, additionalGids: [4343], home: "/" });
  });

  it("resolves name:group and drops the supplementary groups (explicit group)", () => {
    expect(resolveUser({ ...files, user: "app:video" })).toEqual({ uid: 1000, gid: 44, additionalGids: [44], home: "/home/app" });
  });

  it("resolves uid:group", () => {
    expect(resolveUser({ ...files, user: "1:docker" })).toEqual({ uid: 1, gid: 999, additionalGids: [999], home: "/usr/sbin" });
  });

  it("adds group_add by name or number, without duplicates", () => {
    expect(resolveUser({ ...files, user: "app", groupAdd: ["video", "1234", "docker"] }).additionalGids).toEqual([
      1000, 5, 999, 44, 1234,
    ]);
  });

  it("uses / as home when the passwd entry has none", () => {
    expect(resolveUser({ ...files, user: "nohome" }).home).toBe("/");
  });

  it("fails clearly on an unknown user name", () => {
    const err = errorOf(() => resolveUser({ ...files, user: "ghost" }));
    expect(isKind(err, "InvalidArgument")).toBe(true);
    expect(String(err)).toMatch(/unable to find user ghost/);
  });

  it("fails on an unknown group name, in user or group_add", () => {
    expect(() => resolveUser({ ...files, user: "app:ghosts" })).toThrow(/unable to find group ghosts/);
    expect(() => resolveUser({ ...files, user: "app", groupAdd: ["ghosts"] })).toThrow(/group_add/);
  });

  it("fails on a name when the image has no passwd file, but not on numbers", () => {
    expect(() => resolveUser({ user: "app" })).toThrow(/unable to find user app/);
    expect(resolveUser({ user: "65532:65532" })).toEqual({ uid: 65532, gid: 65532, additionalGids: [65532], home: "/" });
  });

  it("rejects malformed specs and out-of-range ids", () => {
    expect(() => resolveUser({ ...files, user: ":5" })).toThrow(/invalid user/);
    expect(() => resolveUser({ ...files, user: "app:" })).toThrow(/invalid user/);
    expect(() => resolveUser({ ...files, user: "2147483648" })).toThrow(/out of range/);
  });
});

describe("parsePasswd", () => {
  it("skips comments, blank and malformed lines", () => {
    expect(parsePasswd(passwd).map((e) => e.name)).toEqual(["root", "daemon", "app", "nohome"]);
  });
});
