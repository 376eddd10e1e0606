// A streaming tar reader: pulls chunks from an async source and yields entries whose bodies are
// themselves pulled lazily, so memory stays bounded by one source chunk whatever the file sizes.
import { dataLoss, invalidArgument, unimplemented } from "../../common/errors.ts";
import { BLOCK_SIZE, isZeroBlock, parseHeader, type RawHeader } from "./tar-header.ts";
import { mergePax, paxOverrides, parsePax, type PaxRecords } from "./pax.ts";

export type TarEntryType = "file" | "hardlink" | "symlink" | "chardev" | "blockdev" | "dir" | "fifo";

/** One archive member with PAX and GNU long-name records already folded in. */
export interface TarHeader {
  /** The name exactly as archived (not yet normalised or checked; see entry-path.ts). */
  readonly name: string;
  readonly type: TarEntryType;
  /** Body length in bytes (0 for everything but files). */
  readonly size: number;
  /** Permission bits incl. setuid/setgid/sticky (0o7777 mask). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** Seconds since the epoch, possibly fractional (PAX). */
  readonly mtime: number;
  readonly atime?: number;
  /** Hard link: archive path of the target. Symlink: the target text, never interpreted by us. */
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** From SCHILY.xattr.* PAX records; values are raw bytes. */
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

/**
 * Lifecycle: the body may be consumed (fully or partly) only until the next entry is requested
 * from the reader; whatever is left is skipped then. Consuming it later throws.
 */
export interface TarEntry {
  readonly header: TarHeader;
  readonly body: AsyncIterable<Buffer>;
  /** Collects the body into one Buffer; meant for small files. */
  readAll(): Promise<Buffer>;
}

export type ByteSource = AsyncIterable<Uint8Array>;

export interface ReadTarOptions {
  /** Upper bound for PAX and GNU long-name records, which must be held in memory. */
  readonly maxMetaSize?: number;
}

const EMPTY = Buffer.alloc(0);
const DEFAULT_MAX_META = 1024 * 1024;

const truncated = (what: string) => dataLoss(`tar archive is truncated (${what})`);

// Pull-based access to a chunked byte stream; hands out subarrays to avoid copies.
export class ChunkReader {
  readonly #it: AsyncIterator<Uint8Array>;
  #buf: Buffer = EMPTY;
  #off = 0;
  #ended = false;

  constructor(source: ByteSource) {
    this.#it = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    while (this.#off >= this.#buf.length) {
      if (this.#ended) return false;
      const next = await this.#it.next();
      if (next.done) {
        this.#ended = true;
        return false;
      }
      const v = next.value;
      this.#buf = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.#off = 0;
    }
    return true;
  }

  /** Up to `max` bytes (at least 1), or null at end of stream. */
  async readSome(max: number): Promise<Buffer | null> {
    if (this.#off >= this.#buf.length && !(await this.#fill())) return null;
    const end = Math.min(this.#buf.length, this.#off + max);
    const out = this.#buf.subarray(this.#off, end);
    this.#off = end;
    return out;
  }

  /** Exactly `n` bytes; null if the stream ended before the first byte; throws if it ends midway. */
  async readExact(n: number, what: string): Promise<Buffer | null> {
    const first = await this.readSome(n);
    if (first === null) return null;
    if (first.length === n) return first;
    const parts = [first];
    let got = first.length;
    while (got < n) {
      const more = await this.readSome(n - got);
      if (more === null) throw truncated(what);
      parts.push(more);
      got += more.length;
    }
    return Buffer.concat(parts, n);
  }

  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      const c = await this.readSome(left);
      if (c === null) throw truncated(what);
      left -= c.length;
    }
  }

  /** Consumes the rest of the source (trailing record padding is part of a layer's digest). */
  async drain(): Promise<void> {
    this.#off = this.#buf.length;
    while (!this.#ended) {
      const next = await this.#it.next();
      if (next.done) this.#ended = true;
    }
  }

  /** Stops the underlying source early (on error or when the consumer gives up). */
  async close(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      await this.#it.return?.();
    }
  }
}

const padding = (size: number) => (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;

function entryType(typeflag: string, name: string): TarEntryType {
  switch (typeflag) {
    case "0":
    case "7": // contiguous file: a regular file everywhere that matters
      return "file";
    case "\0":
      // Pre-POSIX archives mark directories only by a trailing slash.
      return name.endsWith("/") ? "dir" : "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "3":
      return "chardev";
    case "4":
      return "blockdev";
    case "5":
      return "dir";
    case "6":
      return "fifo";
    case "S":
      throw unimplemented(`GNU sparse file ${JSON.stringify(name)} is not supported`);
    default:
      throw invalidArgument(
        `tar entry ${JSON.stringify(name)} has unsupported type ${JSON.stringify(typeflag)}`,
      );
  }
}

/**
 * Reads a tar stream. Ends after the end-of-archive marker (two zero blocks; a lone zero block
 * at end of stream is accepted) and drains the source. A stream that ends anywhere else, or a
 * header with a bad checksum, throws DataLoss.
 */
export async function* readTar(source: ByteSource, options: ReadTarOptions = {}): AsyncGenerator<TarEntry> {
  const maxMeta = options.maxMetaSize ?? DEFAULT_MAX_META;
  const r = new ChunkReader(source);
  let globals: PaxRecords = new Map();
  let local: PaxRecords = new Map();
  let longName: string | undefined;
  let longLink: string | undefined;
  let finished = false;

  const readMeta = async (raw: RawHeader): Promise<Buffer> => {
    if (raw.size > maxMeta) throw invalidArgument(`tar metadata record of ${raw.size} bytes exceeds ${maxMeta}`);
    const data = raw.size === 0 ? EMPTY : await r.readExact(raw.size, "metadata record");
    if (data === null) throw truncated("metadata record");
    await r.skip(padding(raw.size), "metadata padding");
    return data;
  };
  // GNU long names are NUL-terminated inside their record.
  const cString = (b: Buffer) => {
    const nul = b.indexOf(0);
    return b.toString("utf8", 0, nul === -1 ? b.length : nul);
  };

  try {
    for (;;) {
      const block = await r.readExact(BLOCK_SIZE, "header");
      if (block === null) throw truncated("no end-of-archive marker");
      if (isZeroBlock(block)) {
        const second = await r.readExact(BLOCK_SIZE, "end-of-archive marker");
        if (second !== null && !isZeroBlock(second)) {
          throw dataLoss("tar archive has a zero block followed by data: corrupt archive");
        }
        await r.drain();
        finished = true;
        return;
      }
      const raw = parseHeader(block);
      if (raw.size < 0) throw invalidArgument(`tar entry ${JSON.stringify(raw.name)} has a negative size`);
      switch (raw.typeflag) {
        case "x":
          local = parsePax(await readMeta(raw));
          continue;
        case "g":
          globals = mergePax(globals, parsePax(await readMeta(raw)));
          continue;
        case "L":
          longName = cString(await readMeta(raw));
          continue;
        case "K":
          longLink = cString(await readMeta(raw));
          continue;
        case "V": // volume label: not a file
          await r.skip(raw.size + padding(raw.size), "volume label");
          continue;
        default:
          break;
      }

      const records = mergePax(globals, local);
      for (const key of records.keys()) {
        if (key.startsWith("GNU.sparse.")) throw unimplemented(`GNU sparse file ${JSON.stringify(raw.name)} is not supported`);
      }
      const pax = paxOverrides(records);
      const name = pax.path ?? longName ?? raw.name;
      const type = entryType(raw.typeflag, name);
      // Like Go's archive/tar (which wrote and reads every Docker layer), header-only types have
      // no body whatever their size field says; parsing the same bytes the same way matters.
      const declaredSize = type === "file" ? (pax.size ?? raw.size) : 0;
      const header: TarHeader = {
        name,
        type,
        size: declaredSize,
        mode: raw.mode & 0o7777,
        uid: pax.uid ?? raw.uid,
        gid: pax.gid ?? raw.gid,
        uname: pax.uname ?? raw.uname,
        gname: pax.gname ?? raw.gname,
        mtime: pax.mtime ?? raw.mtime,
        ...(pax.atime !== undefined ? { atime: pax.atime } : {}),
        linkname: pax.linkpath ?? longLink ?? raw.linkname,
        devmajor: raw.devmajor,
        devminor: raw.devminor,
        xattrs: pax.xattrs,
      };
      if (header.uid < 0 || header.gid < 0) throw invalidArgument(`tar entry ${JSON.stringify(name)} has a negative uid/gid`);
      local = new Map();
      longName = undefined;
      longLink = undefined;

      let remaining = declaredSize;
      let open = true;
      const body: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]: async function* () {
          if (!open) throw invalidArgument(`body of tar entry ${JSON.stringify(name)} read after moving on`);
          if (type !== "file") return;
          while (remaining > 0) {
            const chunk = await r.readSome(remaining);
            if (chunk === null) throw truncated(`body of ${JSON.stringify(name)}`);
            remaining -= chunk.length;
            yield chunk;
          }
        },
      };
      const readAll = async (): Promise<Buffer> => {
        const parts: Buffer[] = [];
        for await (const c of body) parts.push(c);
        return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      };
      yield { header, body, readAll };
      open = false;
      await r.skip(remaining + padding(declaredSize), `body of ${JSON.stringify(name)}`);
    }
  } finally {
    if (!finished) await r.close();
  }
}
