import { describe, expect, it } from "vitest";
import { resolveOwner } from "./container-user.ts";

const passwd = "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\napp:x:1001:50::/app:/sbin/nologin\n";
const group = "root:x:0:\nstaff:x:50:\nnode:x:1000:\n";

describe("resolveOwner", () => {
  it("root when the container has no user", () => {
    expect(resolveOwner("", undefined, undefined)).toEqual({ uid: 0, gid: 0 });
  });
  it("numbers as they are; a uid alone takes its primary group when passwd knows it, else 0", () => {
    expect(resolveOwner("1000:1000", undefined, undefined)).toEqual({ uid: 1000, gid: 1000 });
    expect(resolveOwner("1001", passwd, group)).toEqual({ uid: 1001, gid: 50 });
    expect(resolveOwner("4242", passwd, group)).toEqual({ uid: 4242, gid: 0 });
  });
  it("names through /etc/passwd and /etc/group", () => {
    expect(resolveOwner("node", passwd, group)).toEqual({ uid: 1000, gid: 1000 });
    expect(resolveOwner("app:node", passwd, group)).toEqual({ uid: 1001, gid: 1000 });
    expect(resolveOwner("1000:staff", passwd, group)).toEqual({ uid: 1000, gid: 50 });
  });
  it("says which name it could not find", () => {
    expect(resolveOwner("ghost", passwd, group)).toEqual({ error: "user ghost is not in the container's /etc/passwd" });
    expect(resolveOwner("node:ghosts", passwd, group)).toEqual({ error: "group ghosts is not in the container's /etc/group" });
    expect(resolveOwner("node", undefined, undefined)).toMatchObject({ error: expect.stringContaining("user node") });
  });
});
