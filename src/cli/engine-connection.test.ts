import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEngineHttp } from "../compose/engine-client/engine-http.ts";
import { probeEngine } from "./engine-connection.ts";

// An engine that is merely slow must not look absent: starting a second one would fail on
// its lock (seen under heavy load with a 2 s ping).
const dir = mkdtempSync(join(tmpdir(), "tstack-probe-"));
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});
const listen = (path: string, answer: boolean) =>
  new Promise<void>((resolve) => {
    const s = createServer((sock) => {
      if (answer) sock.on("data", () => sock.end("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"));
    });
    servers.push(s);
    s.listen(path, resolve);
  });

describe("probeEngine", () => {
  it("answers, absent (no socket, a file, nobody listening) or silent (accepts, never answers)", async () => {
    await listen(join(dir, "up.sock"), true);
    await listen(join(dir, "silent.sock"), false);
    writeFileSync(join(dir, "file.sock"), "");
    const probe = (name: string) => probeEngine(createEngineHttp({ kind: "unix", socketPath: join(dir, name) }), 300);
    expect(await probe("up.sock")).toBe("answers");
    expect(await probe("missing.sock")).toBe("absent");
    expect(await probe("file.sock")).toBe("absent");
    expect(await probe("silent.sock")).toBe("silent");
  });
});
