import { constants } from "node:fs";
import { describe, expect, it } from "vitest";
import { deviceNumbers, layerMembers, type LayerNode, type NodeStat } from "./layer-members.ts";

const { S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK } = constants;

let nextIno = 100;
function node(path: string, type: number, st: Partial<NodeStat> = {}): LayerNode {
  const perm = type === S_IFDIR ? 0o755 : 0o644;
  return {
    path,
    st: { mode: type | perm, uid: 0, gid: 0, size: 0, nlink: 1, dev: 1, ino: nextIno++, rdev: 0, mtimeMs: 1_700_000_000_500, ...st, ...(st.mode !== undefined ? { mode: type | st.mode } : {}) },
  };
}
const whiteout = (path: string, ino = 7) => node(path, S_IFCHR, { mode: 0, nlink: 3, ino });
const none = new Map<string, ReadonlyMap<string, Buffer>>();
const line = (m: ReturnType<typeof layerMembers>[number]) =>
  `${m.entry.type} ${m.entry.name}${m.entry.linkname ? ` -> ${m.entry.linkname}` : ""}${m.read ? ` (${m.read})` : ""}`;

describe("layerMembers", () => {
  it("turns overlay whiteouts into empty .wh. files, keeping owner and time", () => {
    const members = layerMembers([node("/etc", S_IFDIR), whiteout("/etc/hosts"), whiteout("/gone")], none);
    expect(members.map(line)).toEqual(["dir etc", "file etc/.wh.hosts", "file .wh.gone"]);
    expect(members[1]?.entry).toEqual({ name: "etc/.wh.hosts", type: "file", size: 0, mode: 0o600, uid: 0, gid: 0, mtime: 1_700_000_000 });
  });

  it("marks an opaque dir with .wh..wh..opq right after it, and drops overlay's xattrs", () => {
    const xattrs = new Map([
      ["/d", new Map([["trusted.overlay.opaque", Buffer.from("y")], ["trusted.overlay.origin", Buffer.from([1])], ["user.keep", Buffer.from("v")]])],
      ["/n", new Map([["trusted.overlay.opaque", Buffer.from("n")]])],
    ]);
    const members = layerMembers([node("/d", S_IFDIR, { mode: 0o2750, uid: 5, gid: 6 }), node("/d/new", S_IFREG, { size: 3 }), node("/n", S_IFDIR)], xattrs);
    expect(members.map(line)).toEqual(["dir d", "file d/.wh..wh..opq", "file d/new (content)", "dir n"]);
    expect(members[0]?.entry.xattrs).toEqual(new Map([["user.keep", Buffer.from("v")]]));
    expect(members[0]?.entry.mode).toBe(0o2750);
    expect(members[1]?.entry).toMatchObject({ size: 0, mode: 0o750, uid: 5, gid: 6 });
    expect(members[3]?.entry.xattrs).toBeUndefined();
  });

  it("links later names of an inode to the first one, but never whiteouts sharing one 0/0 inode", () => {
    const members = layerMembers(
      [
        node("/a", S_IFREG, { nlink: 2, ino: 1, size: 5 }),
        whiteout("/w1", 9),
        whiteout("/w2", 9),
        node("/z", S_IFDIR),
        node("/z/b", S_IFREG, { nlink: 2, ino: 1, size: 5 }),
        node("/z/single", S_IFREG, { nlink: 4, ino: 2 }),
      ],
      none,
    );
    expect(members.map(line)).toEqual(["file a (content)", "file .wh.w1", "file .wh.w2", "dir z", "hardlink z/b -> a", "file z/single (content)"]);
  });

  it("keeps symlinks, devices and fifos with their metadata, and leaves sockets out", () => {
    const rdev = 8 * 256 + 1; // 8:1
    const members = layerMembers(
      [
        node("/dev", S_IFDIR),
        node("/dev/sda1", S_IFBLK, { rdev, mode: 0o660, gid: 6 }),
        node("/dev/tty", S_IFCHR, { rdev: 5 * 256, mode: 0o666 }),
        node("/link", S_IFLNK, { mode: 0o777 }),
        node("/pipe", S_IFIFO),
        node("/sock", S_IFSOCK),
      ],
      none,
    );
    expect(members.map(line)).toEqual(["dir dev", "block dev/sda1", "char dev/tty", "symlink link (link-target)", "fifo pipe"]);
    expect(members[1]?.entry).toMatchObject({ devmajor: 8, devminor: 1, mode: 0o660, gid: 6 });
    expect(members[2]?.entry).toMatchObject({ devmajor: 5, devminor: 0 });
  });

  it("gives the same members for the same tree: the walk's order, whole-second mtimes", () => {
    const tree = () => [node("/b", S_IFDIR, { ino: 1 }), node("/b/x", S_IFREG, { ino: 2, size: 1 }), whiteout("/c")];
    expect(layerMembers(tree(), none)).toEqual(layerMembers(tree(), none));
    expect(layerMembers(tree(), none).map((m) => m.entry.mtime)).toEqual([1_700_000_000, 1_700_000_000, 1_700_000_000]);
  });
});

describe("deviceNumbers", () => {
  // glibc's makedev, in BigInt to keep the high bits
  const makedev = (major: number, minor: number) => {
    const [M, m] = [BigInt(major), BigInt(minor)];
    return Number(((M & 0xfffn) << 8n) | ((M & ~0xfffn) << 32n) | (m & 0xffn) | ((m & ~0xffn) << 12n));
  };

  it("decodes Linux dev_t, large numbers included", () => {
    expect(deviceNumbers(259)).toEqual({ devmajor: 1, devminor: 3 });
    for (const [major, minor] of [[8, 1], [300, 70000], [5000, 1], [4095, 0xfffff]] as const) {
      expect(deviceNumbers(makedev(major, minor))).toEqual({ devmajor: major, devminor: minor });
    }
  });
});
