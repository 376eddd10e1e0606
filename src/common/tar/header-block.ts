// One 512-byte tar header block (ustar, GNU and v7 layouts): parsing and formatting. Pure: no I/O.
// Parsing is part of the security boundary, so every field is validated rather than trusted.
import { dataLoss, invalidArgument } from "../errors.ts";
import type { Typeflag } from "./typeflag.ts";

export const BLOCK_SIZE = 512;

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK_SIZE * 2);

/** A header block as written, before PAX / GNU long-name records are folded in. */
export interface RawHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly typeflag: Typeflag;
  readonly linkname: string;
  readonly uname: string;
  readonly gname: string;
  readonly devmajor: number;
  readonly devminor: number;
  readonly format: "ustar" | "gnu" | "v7";
}

const USTAR_MAGIC = Buffer.from("ustar\u000000", "latin1");
const GNU_MAGIC = Buffer.from("ustar  \u0000", "latin1");

/** Bytes of zero padding after a body of `size` bytes, up to the next block. */
export const padding = (size: number): number => (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

// A NUL-terminated (or full-width) string field. Names are bytes in tar; we decode UTF-8,
// which is what PAX mandates and what every image builder in practice writes.
export function parseString(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset);
  const stop = end === -1 || end > offset + length ? offset + length : end;
  return block.toString("utf8", offset, stop);
}

/**
 * A numeric field: octal text (padded with spaces/NULs), or GNU base-256 when the top bit of the
 * first byte is set (0x80 positive, 0xff negative).
 */
export function parseNumeric(block: Buffer, offset: number, length: number, field: string): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    // Big-endian over the field with the marker bit cleared; 0xff marks a two's-complement negative.
    let value = BigInt(first & 0x7f);
    for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(block[offset + i] ?? 0);
    if (first === 0xff) value = value - (1n << BigInt(length * 8 - 1));
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw invalidArgument(`tar header field ${field} is out of range`);
    }
    return Number(value);
  }
  let i = offset;
  const end = offset + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = block[i] ?? 0;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw invalidArgument(`tar header field ${field} is not octal`);
    value = value * 8 + (c - 0x30);
    digits++;
  }
  // Anything after the terminator must be padding, otherwise the header is garbage.
  for (; i < end; i++) {
    const c = block[i] ?? 0;
    if (c !== 0 && c !== 0x20) throw invalidArgument(`tar header field ${field} is not octal`);
  }
  if (digits === 0) return 0;
  if (!Number.isSafeInteger(value)) throw invalidArgument(`tar header field ${field} is out of range`);
  return value;
}

/** Header checksum: byte sum with the checksum field itself counted as spaces. Returns [unsigned, signed]. */
export function computeChecksums(block: Buffer): readonly [number, number] {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return [unsigned, signed];
}

/** Parses a non-zero header block; throws DataLoss on a bad checksum (corrupt or not a tar at all). */
export function parseHeader(block: Buffer): RawHeader {
  if (block.length !== BLOCK_SIZE) throw invalidArgument(`tar header must be ${BLOCK_SIZE} bytes`);
  let stored: number;
  try {
    stored = parseNumeric(block, 148, 8, "chksum");
  } catch (err) {
    throw dataLoss("tar header checksum is unreadable: corrupt archive or not a tar stream", err);
  }
  const [unsigned, signed] = computeChecksums(block);
  // Some historic writers summed signed chars; accept either like GNU tar does.
  if (stored !== unsigned && stored !== signed) {
    throw dataLoss(`tar header checksum mismatch (stored ${stored}, computed ${unsigned}): corrupt archive`);
  }
  const magic = block.subarray(257, 265);
  const format = magic.equals(USTAR_MAGIC) ? "ustar" : magic.equals(GNU_MAGIC) ? "gnu" : "v7";
  let name = parseString(block, 0, 100);
  // Only POSIX ustar has the prefix field; in GNU headers those bytes hold atime/ctime.
  if (format === "ustar") {
    const prefix = parseString(block, 345, 155);
    if (prefix !== "") name = `${prefix}/${name}`;
  }
  const hasExt = format !== "v7";
  return {
    name,
    mode: parseNumeric(block, 100, 8, "mode"),
    uid: parseNumeric(block, 108, 8, "uid"),
    gid: parseNumeric(block, 116, 8, "gid"),
    size: parseNumeric(block, 124, 12, "size"),
    mtime: parseNumeric(block, 136, 12, "mtime"),
    typeflag: String.fromCharCode(block[156] ?? 0),
    linkname: parseString(block, 157, 100),
    uname: hasExt ? parseString(block, 265, 32) : "",
    gname: hasExt ? parseString(block, 297, 32) : "",
    devmajor: hasExt ? parseNumeric(block, 329, 8, "devmajor") : 0,
    devminor: hasExt ? parseNumeric(block, 337, 8, "devminor") : 0,
    format,
  };
}

/** Whether `value` fits an octal field of `width` bytes (digits and a NUL). */
export const fitsOctal = (value: number, width: number): boolean => value >= 0 && value < 8 ** (width - 1);

/** A name of up to 255 bytes as ustar's prefix ("/" between) and name fields, if it can be split so. */
export function splitUstarName(name: string): { readonly name: string; readonly prefix: string } | undefined {
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

export interface FormatOptions {
  /** GNU base-256 for uid, gid, size and mtime even where octal would do (as some writers emit). */
  readonly base256?: boolean;
}

/**
 * Formats one header block. In ustar format a name longer than 100 bytes goes into the prefix
 * field where it can be split at a "/"; otherwise it is cut, as are strings too long for their
 * field: the caller records those in full elsewhere (PAX or GNU long-name records). Numbers are
 * octal, or GNU base-256 where octal cannot hold them.
 */
export function formatHeader(h: RawHeader, options: FormatOptions = {}): Buffer {
  const b = Buffer.alloc(BLOCK_SIZE);
  const split = h.format === "ustar" ? splitUstarName(h.name) : undefined;
  const base256 = options.base256 === true;
  b.write(split?.name ?? h.name, 0, 100, "utf8");
  writeNumeric(b, 100, 8, h.mode, false);
  writeNumeric(b, 108, 8, h.uid, base256);
  writeNumeric(b, 116, 8, h.gid, base256);
  writeNumeric(b, 124, 12, h.size, base256);
  writeNumeric(b, 136, 12, h.mtime, base256);
  b.write(h.typeflag, 156, 1, "latin1");
  b.write(h.linkname, 157, 100, "utf8");
  if (h.format !== "v7") {
    (h.format === "ustar" ? USTAR_MAGIC : GNU_MAGIC).copy(b, 257);
    b.write(h.uname, 265, 32, "utf8");
    b.write(h.gname, 297, 32, "utf8");
    writeNumeric(b, 329, 8, h.devmajor, false);
    writeNumeric(b, 337, 8, h.devminor, false);
  }
  if (split !== undefined && split.prefix !== "") b.write(split.prefix, 345, 155, "utf8");
  writeChecksum(b);
  return b;
}

/** Stores a checksum (by default the right one) in a formatted block. */
export function writeChecksum(block: Buffer, sum: number = computeChecksums(block)[0]): void {
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
}

function writeNumeric(block: Buffer, offset: number, width: number, value: number, base256: boolean): void {
  const v = Math.floor(value);
  if (!base256 && fitsOctal(v, width)) {
    block.write(`${v.toString(8).padStart(width - 1, "0")}\0`, offset, width, "latin1");
    return;
  }
  // Big-endian two's complement over the field, marked 0x80 (positive) or 0xff (negative).
  let n = BigInt(v);
  if (n < 0n) n += 1n << BigInt(width * 8);
  for (let i = width - 1; i >= 0; i--) {
    block[offset + i] = Number(n & 0xffn);
    n >>= 8n;
  }
  block[offset] = v < 0 ? 0xff : (block[offset] ?? 0) | 0x80;
}
