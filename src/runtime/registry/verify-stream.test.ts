import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import { createVerifier, verifyStream } from "./verify-stream.ts";

const data = Buffer.from("some blob content");
const expected = { digest: `sha256:${createHash("sha256").update(data).digest("hex")}`, size: data.length };

async function failure(p: Promise<unknown>): Promise<TstackError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TstackError);
    return err as TstackError;
  }
  throw new Error("expected a failure");
}

describe("verifyStream", () => {
  it("passes correct content through unchanged", async () => {
    const out = await buffer(verifyStream(Readable.from([data.subarray(0, 4), data.subarray(4)]), expected));
    expect(out.equals(data)).toBe(true);
  });

  it("fails on a short read, an overlong stream and a digest mismatch", async () => {
    const short = await failure(buffer(verifyStream(Readable.from([data.subarray(0, 5)]), expected, "layer x")));
    expect(short.kind).toBe("DataLoss");
    expect(short.message).toBe(`layer x: short read: got 5 of ${data.length} bytes`);
    const long = await failure(buffer(verifyStream(Readable.from([data, Buffer.from("!")]), expected)));
    expect(long.message).toContain("more than the expected");
    const other = Buffer.from("some blob CONTENT");
    const mismatch = await failure(buffer(verifyStream(Readable.from([other]), expected)));
    expect(mismatch.message).toContain(`digest mismatch: expected ${expected.digest}`);
  });

  it("works as a Transform in a pipeline", async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    });
    await pipeline(Readable.from([data]), createVerifier(expected), sink);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const bad = new Writable({ write: (_c, _e, cb) => cb() });
    const err = await failure(pipeline(Readable.from([data.subarray(1)]), createVerifier(expected), bad));
    expect(err.kind).toBe("DataLoss");
  });

  it("refuses algorithms it cannot check", () => {
    expect(() => createVerifier({ digest: `sha512:${"a".repeat(128)}`, size: 1 })).toThrow(/only sha256/);
  });
});
