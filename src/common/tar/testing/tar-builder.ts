// Test-only archive builder on the tar module's codec: archives byte by byte, including odd and
// hostile ones (bad checksums, base-256 numbers, PAX and GNU long-name records, names with "..").
// Production code writes with writeTar.
import { computeChecksums, END_OF_ARCHIVE, formatHeader, padding, writeChecksum } from "../header-block.ts";
import { formatLongNameEntry, formatPaxEntry } from "../meta-entry.ts";
import type { TarEntryType } from "../tar-entry.ts";
import { typeflagOf } from "../typeflag.ts";

export { END_OF_ARCHIVE };

export interface TestEntry {
  readonly name: string;
  readonly type?: TarEntryType;
  /** Raw typeflag override (e.g. "S", "\0", "g"). */
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
}

export function tarEntry(e: TestEntry): Buffer {
  const body = e.body === undefined ? Buffer.alloc(0) : typeof e.body === "string" ? Buffer.from(e.body) : e.body;
  const parts: Buffer[] = [];
  if (e.pax !== undefined) parts.push(formatPaxEntry(Object.entries(e.pax)));
  let name = e.name;
  let linkname = e.linkname ?? "";
  if (e.gnuLong) {
    parts.push(formatLongNameEntry("L", name));
    name = name.slice(0, 99);
    if (linkname !== "") {
      parts.push(formatLongNameEntry("K", linkname));
      linkname = linkname.slice(0, 99);
    }
  }
  const type = e.type ?? "file";
  const header = formatHeader(
    {
      name,
      typeflag: e.typeflag ?? typeflagOf(type),
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
      format: (e.gnuMagic ?? e.gnuLong) ? "gnu" : "ustar",
    },
    { base256: e.base256 === true },
  );
  if (e.badChecksum) writeChecksum(header, computeChecksums(header)[0] + 1);
  parts.push(header);
  if (type === "file") parts.push(body, Buffer.alloc(padding(body.length)));
  return Buffer.concat(parts);
}

export function buildTar(entries: readonly TestEntry[], options: { end?: boolean } = {}): Buffer {
  return Buffer.concat([...entries.map(tarEntry), ...(options.end === false ? [] : [END_OF_ARCHIVE])]);
}

/** Splits a buffer into chunks of `size` bytes to exercise chunk boundaries. */
export async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
