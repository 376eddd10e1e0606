// Parsing of one 512-byte tar header block (ustar, GNU and v7 layouts). Pure: no I/O.
// This is part of the security boundary, so every field is validated rather than trusted.
import { dataLoss, invalidArgument } from "../../common/errors.ts";

export const BLOCK_SIZE = 512;

/** The raw typeflag byte as a one-character string ("0", "5", "x", "L", "\0", …). */
export type Typeflag = string;

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
