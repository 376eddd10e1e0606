import type { Stats } from "node:fs";

// X-Docker-Container-Path-Stat: base64 of {name, size, mode, mtime, linkTarget}, where mode
// is Go's os.FileMode (type bits high, permission bits low).
const GO_MODE = { dir: 1 << 31, symlink: 1 << 27, device: 1 << 26, pipe: 1 << 25, socket: 1 << 24, setuid: 1 << 23, setgid: 1 << 22, charDevice: 1 << 21, sticky: 1 << 20 };

export function goFileMode(st: Pick<Stats, "mode" | "isDirectory" | "isSymbolicLink" | "isBlockDevice" | "isCharacterDevice" | "isFIFO" | "isSocket">): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m |= GO_MODE.dir;
  if (st.isSymbolicLink()) m |= GO_MODE.symlink;
  if (st.isBlockDevice()) m |= GO_MODE.device;
  if (st.isCharacterDevice()) m |= GO_MODE.device | GO_MODE.charDevice;
  if (st.isFIFO()) m |= GO_MODE.pipe;
  if (st.isSocket()) m |= GO_MODE.socket;
  if (st.mode & 0o4000) m |= GO_MODE.setuid;
  if (st.mode & 0o2000) m |= GO_MODE.setgid;
  if (st.mode & 0o1000) m |= GO_MODE.sticky;
  return m >>> 0;
}

export function pathStatHeader(name: string, st: Stats, linkTarget: string): string {
  const json = { name, size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget };
  return Buffer.from(JSON.stringify(json)).toString("base64");
}
