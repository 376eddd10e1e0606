import { describe, expect, it } from "vitest";
import { ownerFilesNeeded, resolveOwner } from "./owner.ts";

const files = { passwd: "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n", group: "app:x:1001:\nstaff:x:50:app\n" };

describe("resolveOwner", () => {
  it("resolves as BuildKit's file operations: a name gives its uid and primary gid, a number both ids", () => {
    expect(resolveOwner("app", files)).toEqual({ uid: 1000, gid: 1001 });
    expect(resolveOwner("1234", {})).toEqual({ uid: 1234, gid: 1234 });
    expect(resolveOwner("app:staff", files)).toEqual({ uid: 1000, gid: 50 });
    expect(resolveOwner("10:11", {})).toEqual({ uid: 10, gid: 11 });
    expect(resolveOwner("1000:staff", files)).toEqual({ uid: 1000, gid: 50 });
  });
  it("reads only the files a spec names", () => {
    expect(ownerFilesNeeded("10:11")).toEqual({ passwd: false, group: false });
    expect(ownerFilesNeeded("app:50")).toEqual({ passwd: true, group: false });
    expect(ownerFilesNeeded("1:staff")).toEqual({ passwd: false, group: true });
  });
  it("rejects unknown names and malformed specs", () => {
    expect(() => resolveOwner("nobody", files)).toThrow("unable to find user nobody");
    expect(() => resolveOwner("app:wheel", files)).toThrow("unable to find group wheel");
    expect(() => resolveOwner("app:", files)).toThrow("expected user[:group]");
  });
});
