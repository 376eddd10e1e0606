import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import type { OutputChunk } from "./engine-client.ts";
import { createEngineHttp } from "./engine-http.ts";
import { createHttpEngineClient } from "./http-engine-client.ts";
import { json, startStubEngine, type StubEngine } from "./stub-engine.ts";

// Output streams, hijacked connections, archives and the smaller container calls, against a
// stub engine that answers as Docker does (stdcopy frames, 101 upgrades, path-stat headers).
const frame = (type: number, s: string) => {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(s), 4);
  return Buffer.concat([h, Buffer.from(s)]);
};
const MUX = "application/vnd.docker.multiplexed-stream";
// Docker before API 1.42 says raw-stream whatever the framing: the client goes by the TTY it asked for.
const upgraded = (socket: Duplex, contentType = "application/vnd.docker.raw-stream") =>
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
const dirStat = Buffer.from(JSON.stringify({ name: "etc", size: 4096, mode: 2 ** 31 + 0o755, linkTarget: "" })).toString("base64");

let engine: StubEngine;
beforeAll(async () => {
  engine = await startStubEngine(
    [
      [/^\/containers\/framed\/logs/, "GET", (_q, _b, res) => {
        res.writeHead(200, { "content-type": MUX });
        // Frames cut across chunks.
        const all = Buffer.concat([frame(1, "one\n"), frame(2, "two\n")]);
        res.write(all.subarray(0, 6));
        res.end(all.subarray(6));
      }],
      // "raw-stream" proves nothing (Docker before API 1.42 says it of framed output too): the container's Config.Tty decides.
      [/^\/containers\/tty\/logs/, "GET", (_q, _b, res) => { res.writeHead(200, { "content-type": "application/vnd.docker.raw-stream" }); res.end("\x01raw\n"); }],
      [/^\/containers\/tty\/json/, "GET", (_q, _b, res) => json(res, 200, { Id: "tty", Name: "/tty", State: {}, Config: { Tty: true } })],
      [/^\/containers\/old\/logs/, "GET", (_q, _b, res) => { res.writeHead(200, { "content-type": "application/vnd.docker.raw-stream" }); res.end(frame(1, "framed\n")); }],
      [/^\/containers\/old\/json/, "GET", (_q, _b, res) => json(res, 200, { Id: "old", Name: "/old", State: {}, Config: { Tty: false } })],
      [/^\/containers\/c1\/exec/, "POST", (_q, _b, res) => json(res, 201, { Id: "e1" })],
      [/^\/exec\/e1\/json/, "GET", (_q, _b, res) => json(res, 200, { Running: false, ExitCode: 3 })],
      [/^\/exec\/e1\/resize/, "POST", (_q, _b, res) => { res.writeHead(201); res.end(); }],
      [/^\/containers\/c1\/archive/, "HEAD", (q, _b, res) => {
        if (q.url?.includes("missing")) json(res, 404, { message: "Could not find the file /missing in container c1" });
        else { res.writeHead(200, { "x-docker-container-path-stat": dirStat }); res.end(); }
      }],
      [/^\/containers\/c1\/archive/, "GET", (_q, _b, res) => { res.writeHead(200, { "content-type": "application/x-tar", "x-docker-container-path-stat": dirStat }); res.end("TARBYTES"); }],
      [/^\/containers\/c1\/archive/, "PUT", (_q, _b, res) => { res.writeHead(200); res.end(); }],
      [/^\/containers\/c1\/(kill|pause|unpause|restart)/, "POST", (_q, _b, res) => { res.writeHead(204); res.end(); }],
      [/^\/containers\/c1\/top/, "GET", (_q, _b, res) => json(res, 200, { Titles: ["PID", "CMD"], Processes: [["1", "sleep 1"]] })],
      [/^\/images\/reg:5000\/app\/push/, "POST", (_q, _b, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"status":"The push refers to repository [reg:5000/app]"}\n{"errorDetail":{"message":"denied: requested access to the resource is denied"},"error":"denied"}\n`);
      }],
      [/^\/images\/gone/, "DELETE", (_q, _b, res) => json(res, 404, { message: "No such image: gone" })],
    ],
    [
      [/^\/exec\/e1\/start/, (_req, socket) => {
        upgraded(socket);
        socket.end(Buffer.concat([frame(1, "out"), frame(2, "err")]));
      }],
      // Echoes stdin as stdout frames; the client's end of input ends the session.
      [/^\/containers\/c1\/attach/, (_req, socket) => {
        upgraded(socket, MUX);
        socket.on("data", (d: Buffer) => socket.write(frame(1, `echo:${d.toString()}`)));
        socket.on("end", () => socket.end(frame(1, "bye")));
      }],
    ],
  );
});
afterAll(() => engine[Symbol.asyncDispose]());

const client = () => createHttpEngineClient(createEngineHttp({ kind: "unix", socketPath: engine.socketPath }));
const collect = async (chunks: AsyncIterable<OutputChunk>) => {
  const out: string[] = [];
  for await (const c of chunks) out.push(`${c.stream}:${c.data.toString()}`);
  return out;
};
const query = (url: string) => Object.fromEntries(new URL(url, "http://x").searchParams);

describe("the HTTP engine client's streams", () => {
  it("reads a log as stdout and stderr chunks, framed or raw as the answer says", async () => {
    expect(await collect(await client().containerLogs("framed", { tail: 5, since: 1700000000.5, timestamps: true }))).toEqual(["stdout:one\n", "stderr:two\n"]);
    expect(query(engine.seen.find((s) => s.url.includes("/framed/logs"))!.url)).toEqual({ stdout: "true", stderr: "true", follow: "false", tail: "5", since: "1700000000.5", timestamps: "true" });
    expect(await collect(await client().containerLogs("tty"))).toEqual(["stdout:\x01raw\n"]);
    expect(await collect(await client().containerLogs("old"))).toEqual(["stdout:framed\n"]);
  });

  it("runs an exec over an upgraded connection, then reads its exit code", async () => {
    const c = client();
    const { id } = await c.createExec("c1", { Cmd: ["ls"], AttachStdout: true, AttachStderr: true, Tty: false });
    expect(id).toBe("e1");
    const session = await c.startExec(id, { tty: false });
    expect(await collect(session.output)).toEqual(["stdout:out", "stderr:err"]);
    expect(await c.inspectExec(id)).toEqual({ running: false, exitCode: 3 });
    await c.resizeExec(id, { height: 40, width: 120 });
    const start = engine.seen.find((s) => s.url.startsWith("/exec/e1/start"))!;
    expect(start.headers).toMatchObject({ connection: "Upgrade", upgrade: "tcp", "content-type": "application/json" });
    expect(query(engine.seen.find((s) => s.url.startsWith("/exec/e1/resize"))!.url)).toEqual({ h: "40", w: "120" });
  });

  it("attaches with stdin; ending our input half-closes the connection", async () => {
    const session = await client().attachContainer("c1", { stdin: true, tty: false });
    const out = collect(session.output);
    session.write("hi");
    await new Promise((r) => setTimeout(r, 50));
    session.end();
    expect(await out).toEqual(["stdout:echo:hi", "stdout:bye"]);
    expect(query(engine.seen.find((s) => s.url.startsWith("/containers/c1/attach"))!.url)).toEqual({ stream: "true", stdin: "true", stdout: "true", stderr: "true" });
  });

  it("reports a hijack the engine refuses as an error of its kind", async () => {
    const e = await client().startExec("nope", { tty: true }).catch((x: unknown) => x);
    expect(isKind(e, "NotFound")).toBe(true);
  });

  it("stats, gets and puts archives", async () => {
    const c = client();
    expect(await c.statPath("c1", "/etc")).toEqual({ name: "etc", size: 4096, mode: 2 ** 31 + 0o755, isDir: true, linkTarget: "" });
    expect(isKind(await c.statPath("c1", "/missing").catch((x: unknown) => x), "NotFound")).toBe(true);
    const got = await c.getArchive("c1", "/etc");
    const bytes: Buffer[] = [];
    for await (const b of got.tar) bytes.push(b);
    expect([got.stat.isDir, Buffer.concat(bytes).toString()]).toEqual([true, "TARBYTES"]);
    await c.putArchive("c1", "/srv", (async function* () { yield Buffer.from("TAR"); yield Buffer.from("BALL"); })());
    const put = engine.seen.find((s) => s.method === "PUT")!;
    expect([query(put.url), put.headers["content-type"], String(put.body)]).toEqual([{ path: "/srv" }, "application/x-tar", "TARBALL"]);
  });

  it("kills with a signal, pauses, restarts with a timeout, lists processes", async () => {
    const c = client();
    await c.killContainer("c1", { signalName: "SIGTERM" });
    await c.pauseContainer("c1");
    await c.unpauseContainer("c1");
    await c.restartContainer("c1", { timeoutSeconds: 2 });
    expect(query(engine.seen.find((s) => s.url.startsWith("/containers/c1/kill"))!.url)).toEqual({ signal: "SIGTERM" });
    expect(query(engine.seen.find((s) => s.url.startsWith("/containers/c1/restart"))!.url)).toEqual({ t: "2" });
    expect(await c.topContainer("c1")).toEqual({ titles: ["PID", "CMD"], processes: [["1", "sleep 1"]] });
  });

  it("pushes with an empty credential header, failing on an error line; removes images", async () => {
    const e = await client().pushImage("reg:5000/app:1.0").catch((x: unknown) => x);
    expect(isKind(e, "PermissionDenied")).toBe(true);
    expect((e as Error).message).toBe("push reg:5000/app:1.0: denied: requested access to the resource is denied");
    const push = engine.seen.find((s) => s.url.includes("/push"))!;
    expect([query(push.url), push.headers["x-registry-auth"]]).toEqual([{ tag: "1.0" }, Buffer.from("{}").toString("base64")]);
    expect(isKind(await client().removeImage("gone").catch((x: unknown) => x), "NotFound")).toBe(true);
  });
});
