import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { createEngineHttp } from "./engine-http.ts";
import { createHttpEngineClient, healthFromStatusText, pullQuery } from "./http-engine-client.ts";
import { json, startStubEngine, type Route, type StubEngine } from "./stub-engine.ts";

// A few Docker Engine API routes answered by a stub server on a unix socket, to check that the
// client sends Docker's requests and reads Docker's replies (no real engine needed).
const routes: Route[] = [
  [/^\/containers\/json/, "GET", (_q, _b, res) =>
    json(res, 200, [
      {
        Id: "c1", Names: ["/demo-web-1"], Image: "nginx", ImageID: "sha256:img", Labels: { a: "b" }, State: "running",
        Status: "Up 2 minutes (healthy)", Created: 1700000000, Command: "nginx -g daemon off;",
        Ports: [{ IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" }, { PrivatePort: 443, Type: "tcp" }],
        NetworkSettings: { Networks: { demo_default: {} } }, Mounts: [{ Type: "volume", Name: "demo_data" }, { Type: "bind", Source: "/x" }],
      },
    ])],
  [/^\/containers\/c1\/stop/, "POST", (_q, _b, res) => { res.writeHead(204); res.end(); }],
  [/^\/containers\/c1(\?|$)/, "DELETE", (_q, _b, res) => { res.writeHead(204); res.end(); }],
  [/^\/containers\/create/, "POST", (_q, _b, res) => json(res, 201, { Id: "new1", Warnings: [] })],
  [/^\/containers\/taken\/start/, "POST", (_q, _b, res) => json(res, 409, { message: "container is marked for removal" })],
  [/^\/containers\/running\/start/, "POST", (_q, _b, res) => { res.writeHead(304); res.end(); }],
  [/^\/containers\/missing\/json/, "GET", (_q, _b, res) => json(res, 404, { message: "No such container: missing" })],
  [/^\/containers\/c1\/json/, "GET", (_q, _b, res) =>
    json(res, 200, {
      Id: "c1", Name: "/demo-web-1", Image: "sha256:img",
      State: {
        Status: "exited", Running: false, ExitCode: 3, Health: { Status: "unhealthy", Log: [{ Output: "no\n" }, { Output: " refused\n" }] },
        StartedAt: "2026-01-02T03:04:05.123456789Z", FinishedAt: "0001-01-01T00:00:00Z",
      },
      Config: { Labels: { x: "y" }, Healthcheck: { Test: ["CMD", "true"] }, Tty: true, User: "app:staff" },
      NetworkSettings: { Networks: { b: {}, a: {} } },
    })],
  [/^\/images\/create/, "POST", (q, _b, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    if (q.url?.includes("fromImage=bad")) {
      res.end(`{"status":"Pulling from library/bad"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n`);
    } else {
      res.write(`{"status":"Pulling fs layer","id":"l1"}\n{"status":"Downloading","id":"l1","progressDetail":{"current":5,"total":10}}`);
      res.end(`\n{"status":"Status: Downloaded newer image"}\n`);
    }
  }],
  [/^\/events/, "GET", (_q, _b, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      `{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"c1","Attributes":{"name":"demo-db-1"}},"timeNano":5}\n` +
        `{"Type":"container","Action":"die","Actor":{"ID":"c1","Attributes":{"exitCode":"0"}},"timeNano":6}\n`,
    );
  }],
  [/^\/volumes\/create/, "POST", (_q, b, res) => json(res, 201, { Name: (b as { Name: string }).Name, Driver: "local", Labels: { k: "v" } })],
  [/^\/volumes\/demo_data$/, "GET", (_q, _b, res) => json(res, 200, { Name: "demo_data", Driver: "local", Labels: { k: "v" } })],
];

let engine: StubEngine;
beforeAll(async () => {
  engine = await startStubEngine(routes);
});
afterAll(() => engine[Symbol.asyncDispose]());
const client = () => createHttpEngineClient(createEngineHttp({ kind: "unix", socketPath: engine.socketPath }));

describe("the HTTP engine client", () => {
  it("lists containers by label and reads Docker's summary shape", async () => {
    const list = await client().listContainers({ labels: ["com.docker.compose.project=demo"] });
    expect(list).toEqual([
      {
        id: "c1", name: "demo-web-1", image: "nginx", imageId: "sha256:img", labels: { a: "b" }, state: "running",
        health: "healthy", created: 1700000000, networks: ["demo_default"], volumes: ["demo_data"],
        status: "Up 2 minutes (healthy)", command: "nginx -g daemon off;",
        ports: [{ ip: "0.0.0.0", privatePort: 80, publicPort: 8080, protocol: "tcp" }, { privatePort: 443, protocol: "tcp" }],
      },
    ]);
    const req = engine.seen.find((s) => s.url.includes("/containers/json"));
    const url = new URL(req!.url, "http://x");
    expect(url.searchParams.get("all")).toBe("true");
    expect(JSON.parse(url.searchParams.get("filters")!)).toEqual({ label: ["com.docker.compose.project=demo"] });
  });

  it("inspects a container", async () => {
    const d = await client().inspectContainer("c1");
    expect(d).toEqual({
      id: "c1", name: "demo-web-1", imageId: "sha256:img", labels: { x: "y" },
      state: { status: "exited", running: false, exitCode: 3, health: "unhealthy", healthOutput: "refused", startedAt: "2026-01-02T03:04:05.123456789Z" },
      hasHealthcheck: true, tty: true, networks: ["a", "b"], user: "app:staff",
    });
  });

  it("sends the create body with the name as a query parameter", async () => {
    const r = await client().createContainer("demo-web-1", { Image: "nginx", Labels: { a: "b" }, HostConfig: { NetworkMode: "demo_default" } });
    expect(r.id).toBe("new1");
    const req = engine.seen.find((s) => s.url.includes("/containers/create"))!;
    expect(new URL(req.url, "http://x").searchParams.get("name")).toBe("demo-web-1");
    expect(req.body).toMatchObject({ Image: "nginx", Labels: { a: "b" }, HostConfig: { NetworkMode: "demo_default" } });
  });

  it("maps HTTP statuses to error kinds with the engine's message", async () => {
    const e1 = await client().inspectContainer("missing").catch((e: unknown) => e);
    expect(isKind(e1, "NotFound")).toBe(true);
    expect((e1 as Error).message).toBe("inspect container missing: No such container: missing");
    const e2 = await client().startContainer("taken").catch((e: unknown) => e);
    expect(isKind(e2, "Conflict")).toBe(true);
    await expect(client().startContainer("running")).resolves.toBeUndefined(); // 304: already started
  });

  it("reports an unreachable engine as Unavailable", async () => {
    const c = createHttpEngineClient(createEngineHttp({ kind: "unix", socketPath: "/nonexistent/nope.sock" }));
    const e = await c.listContainers({ labels: [] }).catch((x: unknown) => x);
    expect(isKind(e, "Unavailable")).toBe(true);
  });

  it("pulls with progress, and fails on an error line inside a 200 stream", async () => {
    const progress: unknown[] = [];
    await client().pullImage("nginx:latest", { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { status: "Pulling fs layer", id: "l1" },
      { status: "Downloading", id: "l1", current: 5, total: 10 },
      { status: "Status: Downloaded newer image" },
    ]);
    const pull = engine.seen.find((s) => s.url.includes("/images/create"))!;
    expect(Object.fromEntries(new URL(pull.url, "http://x").searchParams)).toEqual({ fromImage: "nginx", tag: "latest" });
    const e = await client().pullImage("bad").catch((x: unknown) => x);
    expect(isKind(e, "NotFound")).toBe(true);
    expect((e as Error).message).toContain("manifest unknown");
  });

  it("creates a volume and returns its summary", async () => {
    expect(await client().createVolume({ Name: "demo_data", Labels: { k: "v" } })).toEqual({ name: "demo_data", driver: "local", labels: { k: "v" } });
  });

  it("streams events in tstack's shape", async () => {
    const seenEvents: unknown[] = [];
    for await (const e of client().events({ filters: { label: ["com.docker.compose.project=demo"] } })) seenEvents.push(e);
    expect(seenEvents).toEqual([
      { type: "container", action: "health_status: healthy", id: "c1", attributes: { name: "demo-db-1" }, timeNano: 5 },
      { type: "container", action: "die", id: "c1", attributes: { exitCode: "0" }, timeNano: 6 },
    ]);
    const req = engine.seen.find((s) => s.url.includes("/events"))!;
    expect(JSON.parse(new URL(req.url, "http://x").searchParams.get("filters")!)).toEqual({ label: ["com.docker.compose.project=demo"] });
  });

  it("sends stop's timeout and remove's force and volumes as Docker's query parameters", async () => {
    await client().stopContainer("c1", { timeoutSeconds: 3 });
    await client().removeContainer("c1", { force: true, volumes: true });
    const stop = engine.seen.find((s) => s.method === "POST" && s.url.startsWith("/containers/c1/stop"))!;
    expect(new URL(stop.url, "http://x").searchParams.get("t")).toBe("3");
    const rm = engine.seen.find((s) => s.method === "DELETE" && s.url.startsWith("/containers/c1"))!;
    expect(Object.fromEntries(new URL(rm.url, "http://x").searchParams)).toEqual({ force: "true", v: "true" });
  });

  it("splits a pull's reference into fromImage and tag as the docker CLI does", () => {
    expect(pullQuery("nginx")).toEqual({ fromImage: "nginx", tag: "latest" });
    expect(pullQuery("127.0.0.1:5000/team/app")).toEqual({ fromImage: "127.0.0.1:5000/team/app", tag: "latest" });
    expect(pullQuery("127.0.0.1:5000/team/app:1.2")).toEqual({ fromImage: "127.0.0.1:5000/team/app", tag: "1.2" });
    expect(pullQuery("busybox@sha256:abc")).toEqual({ fromImage: "busybox", tag: "sha256:abc" });
    expect(pullQuery("host:5000/busybox:1@sha256:abc")).toEqual({ fromImage: "host:5000/busybox:1", tag: "sha256:abc" });
  });

  it("parses health out of Docker's status text", () => {
    expect(healthFromStatusText("Up 1 second (health: starting)")).toBe("starting");
    expect(healthFromStatusText("Up 1 second (unhealthy)")).toBe("unhealthy");
    expect(healthFromStatusText("Exited (0) 3 seconds ago")).toBe("none");
  });
});
