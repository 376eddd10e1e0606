// mount(8)-style option words → the mount(2) calls mount(8) would make. Pure.

// linux/mount.h
export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOSYMFOLLOW: 256,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  REC: 16384,
  SILENT: 32768,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
} as const;

export const MNT_DETACH = 2;

// word → [bits it sets, bits it clears]
const FLAG_WORDS: Readonly<Record<string, readonly [number, number]>> = {
  defaults: [0, 0],
  ro: [MS.RDONLY, 0],
  rw: [0, MS.RDONLY],
  nosuid: [MS.NOSUID, 0],
  suid: [0, MS.NOSUID],
  nodev: [MS.NODEV, 0],
  dev: [0, MS.NODEV],
  noexec: [MS.NOEXEC, 0],
  exec: [0, MS.NOEXEC],
  sync: [MS.SYNCHRONOUS, 0],
  async: [0, MS.SYNCHRONOUS],
  dirsync: [MS.DIRSYNC, 0],
  remount: [MS.REMOUNT, 0],
  mand: [MS.MANDLOCK, 0],
  nomand: [0, MS.MANDLOCK],
  nosymfollow: [MS.NOSYMFOLLOW, 0],
  atime: [0, MS.NOATIME],
  noatime: [MS.NOATIME, 0],
  diratime: [0, MS.NODIRATIME],
  nodiratime: [MS.NODIRATIME, 0],
  relatime: [MS.RELATIME, 0],
  norelatime: [0, MS.RELATIME],
  strictatime: [MS.STRICTATIME, 0],
  nostrictatime: [0, MS.STRICTATIME],
  lazytime: [MS.LAZYTIME, 0],
  nolazytime: [0, MS.LAZYTIME],
  silent: [MS.SILENT, 0],
  loud: [0, MS.SILENT],
  bind: [MS.BIND, 0],
  rbind: [MS.BIND | MS.REC, 0],
};

// The kernel takes one propagation change per call, never together with a mount.
const PROPAGATION_WORDS: Readonly<Record<string, number>> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

// Words only mount(8) or fstab understand; the kernel would refuse them as data.
const USERSPACE_WORDS = new Set(["auto", "noauto", "nofail", "user", "nouser", "users", "owner", "group", "_netdev", "loop"]);

// What a bind mount can change only by a remount of the bind (mount(8) does the same).
const BIND_REMOUNT_FLAGS =
  MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME | MS.STRICTATIME | MS.NOSYMFOLLOW;

export interface MountSpec {
  readonly type: string;
  readonly source: string;
  readonly target: string;
  readonly options: readonly string[];
  /** The directory relative overlay lowerdirs are resolved against. */
  readonly cwd?: string;
}

/** One mount(2) call. Empty source/fstype/data mean NULL. */
export interface MountCall {
  readonly source: string;
  readonly target: string;
  readonly fstype: string;
  /** mount(2)'s MS_* bits. */
  readonly flags: number;
  readonly data: string;
  readonly cwd?: string;
}

/**
 * The calls for one mount(8)-style mount, in order: the mount itself (flag words become MS_*
 * bits, the other words, comma-joined, the data string); for a bind with flags, a remount of
 * the bind that applies them; then one call per propagation word. "bind" as the type is a
 * bind mount, as containerd describes them.
 */
export function mountCalls(m: MountSpec): readonly MountCall[] {
  let flags = 0;
  const data: string[] = [];
  const propagation: number[] = [];
  for (const word of m.options) {
    const flag = FLAG_WORDS[word];
    const prop = PROPAGATION_WORDS[word];
    if (flag !== undefined) flags = (flags | flag[0]) & ~flag[1];
    else if (prop !== undefined) propagation.push(prop);
    else if (word !== "" && !USERSPACE_WORDS.has(word) && !word.startsWith("x-") && !word.startsWith("comment=")) data.push(word);
  }
  if (m.type === "bind") flags |= MS.BIND;
  const bind = (flags & MS.BIND) !== 0 && (flags & MS.REMOUNT) === 0;
  const fstype = bind || m.type === "none" ? "" : m.type;
  const cwd = m.cwd !== undefined ? { cwd: m.cwd } : {};
  const calls: MountCall[] = [];
  if (bind) {
    calls.push({ source: m.source, target: m.target, fstype, flags: flags & (MS.BIND | MS.REC), data: data.join(","), ...cwd });
    const extra = flags & BIND_REMOUNT_FLAGS;
    if (extra !== 0) calls.push({ source: "", target: m.target, fstype: "", flags: MS.REMOUNT | MS.BIND | extra, data: "" });
  } else {
    calls.push({ source: m.source, target: m.target, fstype, flags, data: data.join(","), ...cwd });
  }
  for (const p of propagation) calls.push({ source: "", target: m.target, fstype: "", flags: p, data: "" });
  return calls;
}
