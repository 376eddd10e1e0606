// Test-only tar writer: builds archives byte by byte, including odd and hostile ones
// (bad checksums, base-256 numbers, PAX and GNU long-name records, names with "..").
// Not a production writer: the layer writer for image builds will stream and walk directories.
import type { TarEntryType } from "../tar-reader.ts";

export interface TestEntry {
  readonly name: string;
  readonly type?: TarEntryType;
  /** Raw typeflag override (e.g. "S", "\0"). */
  readonly typeflag?: string;
  readonly body?: Buffer | string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly uname?: string;
  readonly gname?: string;
  readonly mtime?: number;
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** PAX records written in an "x" header before this entry. */
  readonly pax?: Readonly<Record<string, string | Buffer>>;
  /** Emit the name (and linkname) through GNU "L"/"K" records instead of the header. */
  readonly gnuLong?: boolean;
  /** Encode uid/gid/size/mtime in GNU base-256. */
  readonly base256?: boolean;
  /** Write the GNU magic instead of POSIX ustar. */
  readonly gnuMagic?: boolean;
  /** Spoil the checksum of the main header. */
  readonly badChecksum?: boolean;
  /** Header name field written as-is, with ustar prefix splitting disabled. */
  readonly noPrefix?: boolean;
}

const TYPEFLAGS: Record<TarEntryType, string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  chardev: "3",
  blockdev: "4",
  dir: "5",
  fifo: "6",
};

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  bytes.copy(block, offset, 0, Math.min(length, bytes.length));
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  const text = Math.trunc(value).toString(8).padStart(length - 1, "0");
  if (text.length > length - 1) throw new Error(`value ${value} does not fit in ${length} octal digits`);
  block.write(`${text}\0`, offset, length, "latin1");
}

function writeBase256(block: Buffer, offset: number, length: number, value: number): void {
  let v = BigInt(Math.trunc(value));
  if (v < 0n) v += 1n << BigInt(length * 8);
  for (let i = length - 1; i >= 0; i--) {
    block[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[offset] = (block[offset] ?? 0) | 0x80;
  if (value < 0) block[offset] = 0xff;
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

const pad = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

interface HeaderFields {
  name: string;
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  base256: boolean;
  gnuMagic: boolean;
  badChecksum: boolean;
  noPrefix: boolean;
}

export function headerBlock(f: HeaderFields): Buffer {
  const b = Buffer.alloc(512);
  let name = f.name;
  if (!f.noPrefix && !f.gnuMagic && Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", name.length - 1);
    if (cut > 0 && Buffer.byteLength(name.slice(0, cut)) <= 155 && Buffer.byteLength(name.slice(cut + 1)) <= 100) {
      writeString(b, 345, 155, name.slice(0, cut));
      name = name.slice(cut + 1);
    }
  }
  writeString(b, 0, 100, name);
  const num = f.base256 ? writeBase256 : writeOctal;
  writeOctal(b, 100, 8, f.mode);
  num(b, 108, 8, f.uid);
  num(b, 116, 8, f.gid);
  num(b, 124, 12, f.size);
  num(b, 136, 12, f.mtime);
  b.write(f.typeflag, 156, 1, "latin1");
  writeString(b, 157, 100, f.linkname);
  b.write(f.gnuMagic ? "ustar  \0" : "ustar\u000000", 257, 8, "latin1");
  writeString(b, 265, 32, f.uname);
  writeString(b, 297, 32, f.gname);
  writeOctal(b, 329, 8, f.devmajor);
  writeOctal(b, 337, 8, f.devminor);
  const sum = checksum(b) + (f.badChecksum ? 1 : 0);
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
  return b;
}

export function paxRecord(key: string, value: string | Buffer): Buffer {
  const v = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const rest = Buffer.concat([Buffer.from(` ${key}=`, "utf8"), v, Buffer.from("\n")]);
  // The length prefix counts itself: grow until it is stable.
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

function metaEntry(typeflag: string, name: string, data: Buffer): Buffer {
  const h = headerBlock({
    name,
    typeflag,
    size: data.length,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
    linkname: "",
    uname: "",
    gname: "",
    devmajor: 0,
    devminor: 0,
    base256: false,
    gnuMagic: typeflag === "L" || typeflag === "K",
    badChecksum: false,
    noPrefix: true,
  });
  return Buffer.concat([h, data, pad(data.length)]);
}

export function tarEntry(e: TestEntry): Buffer {
  const body = e.body === undefined ? Buffer.alloc(0) : typeof e.body === "string" ? Buffer.from(e.body) : e.body;
  const parts: Buffer[] = [];
  if (e.pax !== undefined) {
    const data = Buffer.concat(Object.entries(e.pax).map(([k, v]) => paxRecord(k, v)));
    parts.push(metaEntry("x", "PaxHeaders/x", data));
  }
  let name = e.name;
  let linkname = e.linkname ?? "";
  if (e.gnuLong) {
    parts.push(metaEntry("L", "././@LongLink", Buffer.from(`${name}\0`)));
    name = name.slice(0, 99);
    if (linkname !== "") {
      parts.push(metaEntry("K", "././@LongLink", Buffer.from(`${linkname}\0`)));
      linkname = linkname.slice(0, 99);
    }
  }
  const type = e.type ?? "file";
  parts.push(
    headerBlock({
      name,
      typeflag: e.typeflag ?? TYPEFLAGS[type],
      size: type === "file" ? body.length : 0,
      mode: e.mode ?? (type === "dir" ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? 1_700_000_000,
      linkname,
      uname: e.uname ?? "",
      gname: e.gname ?? "",
      devmajor: e.devmajor ?? 0,
      devminor: e.devminor ?? 0,
      base256: e.base256 ?? false,
      gnuMagic: e.gnuMagic ?? e.gnuLong ?? false,
      badChecksum: e.badChecksum ?? false,
      noPrefix: e.noPrefix ?? false,
    }),
  );
  if (type === "file") parts.push(body, pad(body.length));
  return Buffer.concat(parts);
}

export const END_OF_ARCHIVE = Buffer.alloc(1024);

export function buildTar(entries: readonly TestEntry[], options: { end?: boolean } = {}): Buffer {
  return Buffer.concat([...entries.map(tarEntry), ...(options.end === false ? [] : [END_OF_ARCHIVE])]);
}

/** Splits a buffer into chunks of `size` bytes to exercise chunk boundaries. */
export async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
