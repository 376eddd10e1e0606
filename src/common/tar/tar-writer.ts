// A streaming tar writer (POSIX pax format; see encode-header.ts), the one every producer uses:
// image save, the archive API, cp, and the tests' archive builder.
import { invalidArgument } from "../errors.ts";
import { encodeHeader } from "./encode-header.ts";
import { END_OF_ARCHIVE, padding } from "./header-block.ts";
import type { TarSourceEntry } from "./tar-entry.ts";

/**
 * Streams entries as tar bytes. Pull-based: an entry, and each chunk of its body, is taken only
 * when the consumer asks for more bytes, so a slow consumer (a socket, `Readable.from`) holds the
 * producers back. A file body must produce exactly `size` bytes.
 */
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
    yield Buffer.alloc(padding(size));
  }
  yield END_OF_ARCHIVE;
}
