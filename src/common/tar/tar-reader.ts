// A streaming tar reader: pulls chunks from an async source and yields entries whose bodies are
// themselves pulled lazily, so memory stays bounded by one source chunk whatever the file sizes.
import { dataLoss, invalidArgument, unimplemented } from "../errors.ts";
import { ChunkReader, EMPTY, truncated, type ByteSource } from "./chunk-reader.ts";
import { BLOCK_SIZE, isZeroBlock, padding, parseHeader, type RawHeader } from "./header-block.ts";
import { mergePax, paxOverrides, parsePax, type PaxRecords } from "./pax.ts";
import type { TarEntry, TarHeader } from "./tar-entry.ts";
import { entryTypeOf } from "./typeflag.ts";

export interface ReadTarOptions {
  /** Upper bound for PAX and GNU long-name records, which must be held in memory. */
  readonly maxMetaSize?: number;
}

const DEFAULT_MAX_META = 1024 * 1024;

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
      const type = entryTypeOf(raw.typeflag, name);
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
