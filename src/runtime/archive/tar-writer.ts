import { invalidArgument } from "../../common/errors.ts";
import { compareStrings } from "../../common/compare-strings.ts";

// A streaming tar writer (POSIX pax format: ustar headers, with pax extended headers for
// long names, large or negative numbers, fractional mtimes and xattrs). Used for image save,
// the archive API (docker cp) and, later, for turning a directory into an image layer.

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TarEntryHeader {
  readonly name: string;
  readonly type: TarEntryType;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly uname?: string;
  readonly gname?: string;
  readonly size?: number;
  readonly mtime?: number; // seconds since the epoch, may be fractional
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  readonly xattrs?: Readonly<Record<string, Buffer>>;
}

const BLOCK = 512;
const TYPEFLAG: Record<TarEntryType, string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  char: "3",
  block: "4",
  directory: "5",
  fifo: "6",
};

function octal(value: number, width: number): string | undefined {
  // width includes the terminating NUL
  const s = Math.floor(value).toString(8);
  if (value < 0 || s.length > width - 1) return undefined;
  return s.padStart(width - 1, "0") + "\0";
}

function paxRecord(key: string, value: string | Buffer): Buffer {
  const v = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const rest = Buffer.byteLength(` ${key}=`) + v.length + 1;
  let len = rest + String(rest).length;
  if (String(len).length !== String(rest).length) len = rest + String(len).length;
  return Buffer.concat([Buffer.from(`${len} ${key}=`), v, Buffer.from("\n")]);
}

function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return { name, prefix: "" };
  if (bytes > 255) return undefined;
  for (let i = name.indexOf("/"); i >= 0; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  return undefined;
}

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function rawHeader(fields: {
  name: string;
  prefix: string;
  mode: string;
  uid: string;
  gid: string;
  size: string;
  mtime: string;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: string;
  devminor: string;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, "utf8");
  b.write(fields.mode, 100, 8, "ascii");
  b.write(fields.uid, 108, 8, "ascii");
  b.write(fields.gid, 116, 8, "ascii");
  b.write(fields.size, 124, 12, "ascii");
  b.write(fields.mtime, 136, 12, "ascii");
  b.fill(" ", 148, 156);
  b.write(fields.typeflag, 156, 1, "ascii");
  b.write(fields.linkname, 157, 100, "utf8");
  b.write("ustar\x0000", 257, 8, "ascii");
  b.write(fields.uname, 265, 32, "utf8");
  b.write(fields.gname, 297, 32, "utf8");
  b.write(fields.devmajor, 329, 8, "ascii");
  b.write(fields.devminor, 337, 8, "ascii");
  b.write(fields.prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return b;
}

/** Encodes one entry's header block(s): a pax header first when ustar cannot hold a field. */
export function encodeHeader(h: TarEntryHeader): Buffer {
  if (h.name.length === 0) throw invalidArgument("tar entry with an empty name");
  const size = h.type === "file" ? (h.size ?? 0) : 0;
  const mtime = h.mtime ?? 0;
  const pax: Buffer[] = [];
  const name = h.type === "directory" && !h.name.endsWith("/") ? `${h.name}/` : h.name;
  const split = isAscii(name) ? splitUstarName(name) : undefined;
  if (!split) pax.push(paxRecord("path", name));
  const linkname = h.linkname ?? "";
  const linkFits = isAscii(linkname) && Buffer.byteLength(linkname) <= 100;
  if (!linkFits) pax.push(paxRecord("linkpath", linkname));
  const num = (key: string, v: number, width: number): string => {
    const o = octal(v, width);
    if (o !== undefined) return o;
    pax.push(paxRecord(key, String(v)));
    return "0".repeat(width - 1) + "\0";
  };
  const uid = num("uid", h.uid ?? 0, 8);
  const gid = num("gid", h.gid ?? 0, 8);
  const sizeField = num("size", size, 12);
  if (!Number.isInteger(mtime) || mtime < 0) pax.push(paxRecord("mtime", mtime.toFixed(9).replace(/\.?0+$/, "")));
  const mtimeField = octal(Math.max(0, mtime), 12) ?? "0".repeat(11) + "\0";
  const uname = h.uname ?? "";
  const gname = h.gname ?? "";
  if (!isAscii(uname) || uname.length > 31) pax.push(paxRecord("uname", uname));
  if (!isAscii(gname) || gname.length > 31) pax.push(paxRecord("gname", gname));
  for (const [k, v] of Object.entries(h.xattrs ?? {}).sort(([a], [b]) => compareStrings(a, b))) {
    pax.push(paxRecord(`SCHILY.xattr.${k}`, v));
  }
  const main = rawHeader({
    name: split?.name ?? name.slice(0, 100),
    prefix: split?.prefix ?? "",
    mode: octal((h.mode ?? (h.type === "directory" ? 0o755 : 0o644)) & 0o7777, 8)!,
    uid,
    gid,
    size: sizeField,
    mtime: mtimeField,
    typeflag: TYPEFLAG[h.type],
    linkname: linkFits ? linkname : linkname.slice(0, 100),
    uname: isAscii(uname) ? uname.slice(0, 31) : "",
    gname: isAscii(gname) ? gname.slice(0, 31) : "",
    devmajor: octal(h.devmajor ?? 0, 8)!,
    devminor: octal(h.devminor ?? 0, 8)!,
  });
  if (pax.length === 0) return main;
  const body = Buffer.concat(pax);
  const paxHeader = rawHeader({
    name: `PaxHeaders/${(split?.name ?? name).slice(0, 80)}`.slice(0, 100),
    prefix: "",
    mode: octal(0o644, 8)!,
    uid: octal(0, 8)!,
    gid: octal(0, 8)!,
    size: octal(body.length, 12)!,
    mtime: mtimeField,
    typeflag: "x",
    linkname: "",
    uname: "",
    gname: "",
    devmajor: octal(0, 8)!,
    devminor: octal(0, 8)!,
  });
  return Buffer.concat([paxHeader, body, padding(body.length), main]);
}

export function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return Buffer.alloc(rem === 0 ? 0 : BLOCK - rem);
}

export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

export type TarSourceEntry = TarEntryHeader & { readonly body?: AsyncIterable<Uint8Array> | Uint8Array };

/** Streams entries as tar bytes; a file body must produce exactly `size` bytes. */
export async function* writeTar(entries: AsyncIterable<TarSourceEntry> | Iterable<TarSourceEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    const size = e.type === "file" ? (e.size ?? (e.body instanceof Uint8Array ? e.body.byteLength : 0)) : 0;
    yield encodeHeader({ ...e, size });
    if (e.type !== "file" || size === 0) continue;
    let written = 0;
    const body = e.body instanceof Uint8Array ? [e.body] : e.body;
    if (!body) throw invalidArgument(`tar entry ${e.name}: missing body of ${size} bytes`);
    for await (const chunk of body) {
      written += chunk.byteLength;
      if (written > size) throw invalidArgument(`tar entry ${e.name}: body longer than its size ${size}`);
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    if (written !== size) throw invalidArgument(`tar entry ${e.name}: body of ${written} bytes, expected ${size}`);
    yield padding(size);
  }
  yield END_OF_ARCHIVE;
}
