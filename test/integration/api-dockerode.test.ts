import { request } from "node:http";
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { StdcopyDecoder } from "../../src/api/stdcopy.ts";
import { readTar, writeTar } from "../../src/common/tar/index.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";

// The Docker Engine API driven by dockerode against tstack's engine with real containers.
const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;

async function eventually<T>(fn: () => Promise<T> | T, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function gather(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return out;
}

function demux(buf: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: "", stderr: "" };
  for (const f of new StdcopyDecoder().push(buf)) if (f.stream !== "stdin") out[f.stream] += f.payload.toString();
  return out;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** A raw request on the socket, for what dockerode would not send (malformed bodies, big headers). */
function raw(socketPath: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { "Content-Type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("Docker Engine API through dockerode", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let docker: Docker;
  let socketPath: string;
  const label = { "it.tstack.api": "1" };

  beforeAll(async () => {
    env = await openEngineEnv();
    await env.engine.images.pull(busybox);
    socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    docker = new Docker({ socketPath });
  });
  afterAll(async () => {
    await server?.close();
    await env?.[Symbol.asyncDispose]();
  });

  it("answers ping, version and info so clients can negotiate", async () => {
    expect(String(await docker.ping())).toBe("OK");
    const v = await docker.version();
    expect(v).toMatchObject({ ApiVersion: "1.45", MinAPIVersion: "1.24", Os: "linux", Version: "tstack-0.1.0" });
    const info = await docker.info();
    expect(info.OSType).toBe("linux");
    const head = await raw(socketPath, "HEAD", "/_ping");
    expect(head.status).toBe(200);
    const versioned = await raw(socketPath, "GET", "/v1.41/version");
    expect(JSON.parse(versioned.body).ApiVersion).toBe("1.45");
  });

  it("pulls from the registry with Docker's JSON progress, then lists, inspects, tags and removes", async () => {
    // Not pulled yet, so its layers are downloaded with progress.
    const stream = await docker.pull(`${registry}/layered:latest`);
    const lines = (await collect(stream)).toString().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l["status"] === "Downloading" && typeof (l["progressDetail"] as { total?: number }).total === "number")).toBe(true);
    expect(lines.some((l) => String(l["status"]).startsWith("Digest: sha256:"))).toBe(true);
    expect(lines.at(-1)?.["status"]).toMatch(/^Status: (Downloaded newer image|Image is up to date) for /);
    expect((await docker.getImage(`${registry}/layered:latest`).inspect()).Id).toMatch(/^sha256:/);
    const list = await docker.listImages();
    const img = list.find((i) => i.RepoTags?.includes(busybox));
    expect(img?.Id).toMatch(/^sha256:/);
    const inspected = await docker.getImage(busybox).inspect();
    expect(inspected.Os).toBe("linux");
    expect(inspected.RootFS.Layers?.length).toBeGreaterThan(0);
    await docker.getImage(busybox).tag({ repo: `${registry}/copy`, tag: "v1" });
    expect((await docker.getImage(`${registry}/copy:v1`).inspect()).Id).toBe(inspected.Id);
    const removed = (await docker.getImage(`${registry}/copy:v1`).remove()) as { Untagged?: string }[];
    expect(removed).toEqual([{ Untagged: `${registry}/copy:v1` }]);
    const bad = await docker.pull(`${registry}/does-not-exist:latest`).then(collect);
    expect(bad.toString()).toMatch(/"errorDetail"/);
  });

  it("creates, starts, follows logs, waits, inspects and removes a container", async () => {
    const c = await docker.createContainer({ Image: busybox, name: "api-logs", Labels: label, Cmd: ["sh", "-c", "echo out; echo err >&2; sleep 1; echo done; exit 3"] });
    const waiting = c.wait({ condition: "next-exit" });
    await c.start();
    const logs = (await c.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
    const { stdout, stderr } = demux(await collect(logs));
    expect(stdout).toBe("out\ndone\n");
    expect(stderr).toBe("err\n");
    expect(await waiting).toEqual({ StatusCode: 3, Error: null });
    const j = await c.inspect();
    expect(j).toMatchObject({ Name: "/api-logs", State: { Status: "exited", Running: false, ExitCode: 3 }, Config: { Labels: label } });
    expect(Date.parse(j.Created)).toBeGreaterThan(0);
    const listed = await docker.listContainers({ all: true, filters: { label: ["it.tstack.api=1"], name: ["api-logs"] } });
    expect(listed.map((x) => x.Names)).toEqual([["/api-logs"]]);
    expect(listed[0]?.Status).toMatch(/^Exited \(3\) /);
    const tail = demux((await c.logs({ stdout: true, stderr: false, tail: 1, follow: false })) as unknown as Buffer);
    expect(tail.stdout).toBe("done\n");
    await c.remove();
    await expect(c.inspect()).rejects.toHaveProperty("statusCode", 404);
  });

  it("starts a running container again with 304, stops it with 204 then 304", async () => {
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["sleep", "600"], StopSignal: "SIGKILL" });
    await c.start();
    await expect(c.start()).rejects.toHaveProperty("statusCode", 304);
    const ps = await docker.listContainers({ filters: { id: [c.id] } });
    expect(ps[0]?.State).toBe("running");
    expect(ps[0]?.Status).toMatch(/^Up /);
    await c.stop({ t: 1 });
    await expect(c.stop()).rejects.toHaveProperty("statusCode", 304);
    await c.remove({ force: true });
  });

  it("runs an exec without a TTY and reports its exit code", async () => {
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["sleep", "600"] });
    await c.start();
    try {
      const exec = await c.exec({ Cmd: ["sh", "-c", "echo hi; echo oops >&2; exit 7"], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const { stdout, stderr } = demux(await collect(stream));
      expect(stdout).toBe("hi\n");
      expect(stderr).toBe("oops\n");
      const info = await eventually(async () => {
        const i = await exec.inspect();
        if (i.Running) throw new Error("still running");
        return i;
      });
      expect(info.ExitCode).toBe(7);
    } finally {
      await c.remove({ force: true });
    }
  });

  it("attaches stdin → cat → stdout over a hijacked connection", async () => {
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["cat"], OpenStdin: true, StdinOnce: true, AttachStdin: true });
    await c.start();
    try {
      const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as NodeJS.ReadWriteStream;
      const out = new PassThrough();
      const err = new PassThrough();
      docker.modem.demuxStream(stream, out, err);
      let text = "";
      out.on("data", (d) => (text += String(d)));
      stream.write("hello through cat\n");
      await eventually(() => expect(text).toBe("hello through cat\n"));
      stream.end();
      expect((await c.wait()).StatusCode).toBe(0);
    } finally {
      await c.remove({ force: true });
    }
  });

  it("copies a tar into a running container and back out", async () => {
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["sleep", "600"] });
    await c.start();
    try {
      const tar = Buffer.concat(await gather(writeTar([
        { name: "dir", type: "dir", mode: 0o755 },
        { name: "dir/hello.txt", type: "file", mode: 0o640, size: 6, body: Buffer.from("hello\n") },
        { name: "dir/link", type: "symlink", linkname: "hello.txt" },
      ])));
      await c.putArchive(tar, { path: "/tmp" });
      const back = (await c.getArchive({ path: "/tmp/dir" })) as unknown as NodeJS.ReadableStream;
      const entries: string[] = [];
      for await (const e of readTar(back as AsyncIterable<Uint8Array>)) {
        const body = e.header.type === "file" ? (await e.readAll()).toString() : e.header.linkname;
        entries.push(`${e.header.type} ${e.header.name.replace(/\/$/, "")} ${(e.header.mode & 0o777).toString(8)} ${body}`);
      }
      expect(entries).toEqual(["dir dir 755 ", "file dir/hello.txt 640 hello\n", "symlink dir/link 777 hello.txt"]);
      const head = (await c.infoArchive({ path: "/tmp/dir/hello.txt" })) as unknown as { headers: Record<string, string> };
      const st = JSON.parse(Buffer.from(head.headers["x-docker-container-path-stat"]!, "base64").toString()) as unknown;
      expect(st).toMatchObject({ name: "hello.txt", size: 6, mode: 0o640 });
      const evil = Buffer.concat(await gather(writeTar([{ name: "../../escape", type: "file", size: 1, body: Buffer.from("x") }])));
      await expect(c.putArchive(evil, { path: "/tmp" })).rejects.toHaveProperty("statusCode", 400);
    } finally {
      await c.remove({ force: true });
    }
  });

  it("manages networks and volumes", async () => {
    const net = await docker.createNetwork({ Name: "api-net", Labels: label });
    const inspected = await net.inspect();
    expect(inspected).toMatchObject({ Name: "api-net", Driver: "bridge", Labels: label });
    expect((await docker.listNetworks()).map((n) => n.Name)).toEqual(expect.arrayContaining(["api-net", "bridge", "host", "none"]));
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["sleep", "600"], HostConfig: { NetworkMode: "api-net" }, NetworkingConfig: { EndpointsConfig: { "api-net": { Aliases: ["svc"] } } } });
    await c.start();
    const j = await c.inspect();
    expect(j.NetworkSettings.Networks["api-net"]?.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(j.NetworkSettings.Networks["api-net"]?.Aliases).toEqual(["svc"]);
    await c.remove({ force: true });
    await net.remove();
    await expect(net.inspect()).rejects.toHaveProperty("statusCode", 404);

    await docker.createVolume({ Name: "api-vol", Labels: label });
    expect(await docker.getVolume("api-vol").inspect()).toMatchObject({ Name: "api-vol", Driver: "local", Labels: label });
    const vols = await docker.listVolumes({ filters: { label: ["it.tstack.api=1"] } });
    expect(vols.Volumes.map((v) => v.Name)).toEqual(["api-vol"]);
    await docker.getVolume("api-vol").remove();
    await expect(docker.getVolume("api-vol").inspect()).rejects.toHaveProperty("statusCode", 404);
  });

  it("streams events: a container's start and die", async () => {
    const ac = new AbortController();
    const stream = (await docker.getEvents({ filters: { type: ["container"], event: ["start", "die"] }, abortSignal: ac.signal } as object)) as unknown as NodeJS.ReadableStream;
    const seen: string[] = [];
    stream.on("data", (d) => {
      for (const l of String(d).split("\n").filter(Boolean)) {
        const e = JSON.parse(l) as { Action: string; Actor: { ID: string } };
        seen.push(`${e.Action} ${e.Actor.ID}`);
      }
    });
    stream.on("error", () => undefined);
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["true"] });
    await c.start();
    await c.wait();
    await eventually(() => expect(seen).toEqual([`start ${c.id}`, `die ${c.id}`]));
    ac.abort();
    await c.remove();
  });

  it("gives clean errors and keeps serving", async () => {
    const missing = await docker.getContainer("nope").inspect().then(() => undefined, (e: { statusCode: number; json: unknown }) => e);
    expect(missing?.statusCode).toBe(404);
    expect(missing?.json).toEqual({ message: "No such container: nope" });
    const malformed = await raw(socketPath, "POST", "/containers/create", "{not json");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).message).toMatch(/malformed JSON/);
    const unsupported = await raw(socketPath, "POST", "/containers/create", JSON.stringify({ Image: busybox, HostConfig: { VolumesFrom: ["x"] } }));
    expect(unsupported.status).toBe(501);
    expect(JSON.parse(unsupported.body).message).toMatch(/HostConfig\.VolumesFrom/);
    expect((await raw(socketPath, "GET", "/nowhere")).status).toBe(404);
    expect(JSON.parse((await raw(socketPath, "GET", "/nowhere")).body)).toEqual({ message: "page not found" });
    const big = await raw(socketPath, "GET", "/_ping", undefined, { "X-Big": "x".repeat(64 * 1024) });
    expect(big.status).toBe(431);

    // A client that hangs up in the middle of a followed log stream.
    const c = await docker.createContainer({ Image: busybox, Labels: label, Cmd: ["sh", "-c", "while true; do echo tick; sleep 0.1; done"] });
    await c.start();
    const ac = new AbortController();
    const logs = (await c.logs({ follow: true, stdout: true, abortSignal: ac.signal } as object)) as unknown as NodeJS.ReadableStream;
    await new Promise((r) => logs.once("data", r));
    logs.on("error", () => undefined);
    ac.abort();
    expect(String(await docker.ping())).toBe("OK");
    await c.remove({ force: true });
    expect((await docker.listContainers({ all: true, filters: { label: ["it.tstack.api=1"] } })).length).toBe(0);
  });
});
