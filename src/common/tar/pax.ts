// PAX extended header records ("%d %s=%s\n"): parsing, how they override the ustar fields, and
// formatting. Pure.
import { invalidArgument } from "../errors.ts";

/** Record values stay bytes: SCHILY.xattr.* values are binary (e.g. security.capability). */
export type PaxRecords = ReadonlyMap<string, Buffer>;

/** One record; its decimal length prefix counts itself. */
export function formatPaxRecord(key: string, value: string | Buffer): Buffer {
  const v = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const rest = Buffer.byteLength(` ${key}=`) + v.length + 1;
  let len = rest + String(rest).length;
  if (String(len).length !== String(rest).length) len = rest + String(len).length;
  return Buffer.concat([Buffer.from(`${len} ${key}=`), v, Buffer.from("\n")]);
}

export function parsePax(data: Buffer): PaxRecords {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    // Some writers pad the record block with NULs.
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) throw invalidArgument("malformed PAX record: no length");
    const lenText = data.toString("latin1", pos, space);
    if (!/^[0-9]+$/.test(lenText)) throw invalidArgument("malformed PAX record: bad length");
    const len = Number(lenText);
    const end = pos + len;
    if (len <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) {
      throw invalidArgument("malformed PAX record: length does not match");
    }
    const eq = data.indexOf(0x3d, space + 1);
    if (eq === -1 || eq >= end - 1) throw invalidArgument("malformed PAX record: no '='");
    const key = data.toString("utf8", space + 1, eq);
    if (key === "") throw invalidArgument("malformed PAX record: empty key");
    // An empty value deletes the key (POSIX); we keep the empty buffer and let the merge remove it.
    records.set(key, Buffer.from(data.subarray(eq + 1, end - 1)));
    pos = end;
  }
  return records;
}

/** Later records win; an empty value in `over` removes the key (POSIX semantics for globals too). */
export function mergePax(base: PaxRecords, over: PaxRecords): PaxRecords {
  if (over.size === 0) return base;
  const out = new Map(base);
  for (const [k, v] of over) {
    if (v.length === 0) out.delete(k);
    else out.set(k, v);
  }
  return out;
}

export interface PaxOverrides {
  readonly path?: string;
  readonly linkpath?: string;
  readonly size?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly uname?: string;
  readonly gname?: string;
  readonly mtime?: number;
  readonly atime?: number;
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

const XATTR_PREFIX = "SCHILY.xattr.";

function paxInteger(key: string, value: Buffer): number {
  const text = value.toString("latin1");
  if (!/^[0-9]+$/.test(text)) throw invalidArgument(`PAX record ${key} is not a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw invalidArgument(`PAX record ${key} is out of range`);
  return n;
}

// Times may be fractional and negative ("-1.5"); seconds as a JS number keep microseconds.
function paxTime(key: string, value: Buffer): number {
  const text = value.toString("latin1");
  if (!/^-?[0-9]+(\.[0-9]+)?$/.test(text)) throw invalidArgument(`PAX record ${key} is not a time`);
  return Number(text);
}

function paxString(key: string, value: Buffer): string {
  if (value.includes(0)) throw invalidArgument(`PAX record ${key} contains a NUL byte`);
  return value.toString("utf8");
}

export function paxOverrides(records: PaxRecords): PaxOverrides {
  const out: {
    -readonly [K in keyof PaxOverrides]: PaxOverrides[K];
  } = { xattrs: new Map() };
  const xattrs = new Map<string, Buffer>();
  for (const [key, value] of records) {
    if (key.startsWith(XATTR_PREFIX)) {
      const name = key.slice(XATTR_PREFIX.length);
      if (name === "") throw invalidArgument("PAX xattr record with an empty name");
      xattrs.set(name, value);
      continue;
    }
    switch (key) {
      case "path":
        out.path = paxString(key, value);
        break;
      case "linkpath":
        out.linkpath = paxString(key, value);
        break;
      case "size":
        out.size = paxInteger(key, value);
        break;
      case "uid":
        out.uid = paxInteger(key, value);
        break;
      case "gid":
        out.gid = paxInteger(key, value);
        break;
      case "uname":
        out.uname = paxString(key, value);
        break;
      case "gname":
        out.gname = paxString(key, value);
        break;
      case "mtime":
        out.mtime = paxTime(key, value);
        break;
      case "atime":
        out.atime = paxTime(key, value);
        break;
      default:
        // ctime, charset, comment, GNU.sparse.* (rejected later by type), LIBARCHIVE.*: not needed.
        break;
    }
  }
  out.xattrs = xattrs;
  return out;
}
