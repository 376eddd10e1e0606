import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { FrameDecoder, FrameType, encodeFrame, type Frame } from "./attach-protocol.ts";
import { attachShim } from "./attach-shim.ts";

// A stand-in for the C shim's attach socket: records client frames, sends what the test says.
async function fakeShim() {
  const dir = await mkdtemp(join(tmpdir(), "tstack-attach-"));
  const path = join(dir, "attach.sock");
  const received: Frame[] = [];
  const conns: Socket[] = [];
  const server = createServer((s) => {
    conns.push(s);
    const d = new FrameDecoder();
    s.on("data", (c) => received.push(...d.push(c)));
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(path, r));
  const connected = async () => {
    while (conns.length === 0) await new Promise((r) => setTimeout(r, 5));
    return conns[0] as Socket;
  };
  return {
    path,
    received,
    connected,
    async stop() {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("attachShim", () => {
  it("streams output, sends stdin/resize/close and resolves exit", async () => {
    const shim = await fakeShim();
    cleanup = shim.stop;
    const a = await attachShim(shim.path);
    const conn = await shim.connected();
    a.write("hello");
    a.resize(30, 100);
    a.closeStdin();
    const all = Buffer.concat([
      encodeFrame(FrameType.Stdout, "out1\n"),
      encodeFrame(FrameType.Stderr, "err1\n"),
      encodeFrame(FrameType.Exit, '{"exitCode":0,"signal":null,"exitedAt":"t","pid":3}'),
    ]);
    // Deliver in awkward pieces, as a real socket may.
    for (let i = 0; i < all.length; i += 7) conn.write(all.subarray(i, i + 7));
    conn.end();
    const got: string[] = [];
    for await (const o of a.output) got.push(`${o.stream}:${o.data.toString()}`);
    expect(got.join("")).toBe("stdout:out1\nstderr:err1\n");
    await expect(a.exit).resolves.toEqual({ exitCode: 0, signal: null, exitedAt: "t", pid: 3 });
    await new Promise((r) => setTimeout(r, 20));
    expect(shim.received.map((f) => [f.type, f.payload.toString()])).toEqual([
      [FrameType.Stdin, "hello"],
      [FrameType.Resize, "30 100"],
      [FrameType.CloseStdin, ""],
    ]);
  });

  it("rejects exit when the shim goes away without an exit frame", async () => {
    const shim = await fakeShim();
    cleanup = shim.stop;
    const a = await attachShim(shim.path);
    (await shim.connected()).destroy();
    const err = await a.exit.catch((e: unknown) => e);
    expect(isKind(err, "Unavailable")).toBe(true);
    expect(a.write("late")).toBe(false);
  });

  it("fails to attach to a socket that is not there", async () => {
    const err = await attachShim("/nonexistent/attach.sock").catch((e: unknown) => e);
    expect(isKind(err, "Unavailable")).toBe(true);
  });
});
