import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { dataLoss, unimplemented } from "../../common/errors.ts";

export interface ExpectedContent {
  readonly digest: string;
  readonly size: number;
}

function hashFor(digest: string, what: string) {
  if (!digest.startsWith("sha256:")) throw unimplemented(`${what}: cannot verify ${digest}: only sha256 is supported`);
  return createHash("sha256");
}

/**
 * Checks bytes against a descriptor as they pass: more bytes than `size` fails at once,
 * fewer bytes or another sha256 fails at the end. Errors are DataLoss naming `what`.
 */
export class ContentVerifier {
  private readonly hash;
  private received = 0;
  constructor(
    private readonly expected: ExpectedContent,
    private readonly what: string,
  ) {
    this.hash = hashFor(expected.digest, what);
  }

  update(chunk: Uint8Array): void {
    this.received += chunk.byteLength;
    if (this.received > this.expected.size) {
      throw dataLoss(`${this.what}: received more than the expected ${this.expected.size} bytes`);
    }
    this.hash.update(chunk);
  }

  finish(): void {
    if (this.received < this.expected.size) {
      throw dataLoss(`${this.what}: short read: got ${this.received} of ${this.expected.size} bytes`);
    }
    const actual = `sha256:${this.hash.digest("hex")}`;
    if (actual !== this.expected.digest) {
      throw dataLoss(`${this.what}: digest mismatch: expected ${this.expected.digest}, got ${actual}`);
    }
  }
}

/** A Transform for `pipeline(...)` that passes bytes through and verifies them. */
export function createVerifier(expected: ExpectedContent, what = `blob ${expected.digest}`): Transform {
  const v = new ContentVerifier(expected, what);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        v.update(chunk);
        cb(null, chunk);
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        v.finish();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

/** The same bytes as `source`, failing with DataLoss if they are not the expected content. */
export async function* verifiedChunks(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedContent,
  what = `blob ${expected.digest}`,
): AsyncGenerator<Uint8Array> {
  const v = new ContentVerifier(expected, what);
  for await (const chunk of source) {
    v.update(chunk);
    yield chunk;
  }
  v.finish();
}

/** `verifiedChunks` as a Node Readable; destroying it stops reading `source`. */
export function verifyStream(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedContent,
  what?: string,
): Readable {
  return Readable.from(verifiedChunks(source, expected, what), { objectMode: false });
}
