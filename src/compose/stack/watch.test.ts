import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { nodeLoaderFs } from "../load/loader-fs.ts";
import { normalize } from "../model/index.ts";
import { treeFromYaml } from "../validate/test-tree.ts";
import type { RebuildService } from "../watch/apply.ts";
import { FakeFileWatcher, FakeTimers, FilesFakeClient } from "../watch/testing.ts";
import { startWatch, type WatchSession } from "../watch/watch-session.ts";
import { testStack, upDetached, type TestStack } from "./testing.ts";
import { up } from "./up.ts";
import { watch } from "./watch.ts";

// Scenarios of `watch` against the fake engine (whose containers hold files), a watcher whose
// changes the test reports, and a clock that moves when told: no sleeps. Host files are real,
// in a temporary project directory.

const YAML = `
services:
  web:
    image: node:20
    user: "1000:1000"
    develop:
      watch:
        - path: ./web
          action: sync+restart
          target: /app
          ignore: [node_modules/]
          initial_sync: true
        - path: ./config
          action: sync+exec
          target: /etc/app
          exec: {command: app reload, user: root, environment: {LEVEL: debug}}
  api:
    image: api:dev
    build: ./api
    develop:
      watch:
        - {path: ./api, action: rebuild}
`;

let dir: string;
let t: TestStack & { readonly client: FilesFakeClient };
let timers: FakeTimers;
let watcher: FakeFileWatcher;
let rebuilds: string[];
let session: WatchSession | undefined;

const WEB = "demo-web-1";
const project = () => normalize(treeFromYaml(YAML, { file: join(dir, "compose.yaml"), projectName: "demo" }));
const host = (p: string) => join(dir, p);
const write = async (p: string, text: string) => {
  await mkdir(join(host(p), ".."), { recursive: true });
  await writeFile(host(p), text);
};
const failingRebuild: RebuildService = async (service) => {
  rebuilds.push(service);
  throw new Error("rebuild needs the builder (not yet available)");
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tstack-watch-op-"));
  await write("web/src/index.js", "v1");
  await write("web/node_modules/dep/index.js", "dep");
  await write("config/app.ini", "level=info");
  await write("api/main.go", "package main");
  const client = new FilesFakeClient();
  client.images.set("node:20", "sha256:node");
  const base = testStack(client);
  // The build contexts' ignore files are read from the real project directory.
  t = { ...base, s: { ...base.s, fs: nodeLoaderFs }, client };
  timers = new FakeTimers();
  watcher = new FakeFileWatcher();
  rebuilds = [];
  await up(t.s, { project: project(), environment: {} }, { ...upDetached(), services: ["web"] });
  t.client.calls.length = 0;
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(services: readonly string[] = []): Promise<WatchSession> {
  session = await startWatch(t.s, project(), { services, watcher, rebuild: failingRebuild, prune: true, timers });
  await quiesce();
  return session;
}

// Lets engine events reach the watch and its lanes finish what they were given.
async function quiesce(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setImmediate(r));
    await session?.idle();
  }
}

// For what a session the test does not hold (up's own) does with real files: polled, not slept on.
async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 5_000, interval: 1 });
}

/** Reports the changes and lets the quiet period pass. */
async function changed(...changes: readonly (readonly [path: string, kind?: "write" | "remove"])[]): Promise<void> {
  for (const [p, kind] of changes) watcher.change(host(p), kind ?? "write");
  timers.advance(100);
  await quiesce();
}

const restarts = () => t.client.calls.filter((c) => c.startsWith("restart "));
const uploads = () => t.client.calls.filter((c) => c.startsWith("put archive "));

describe("watch", () => {
  it("syncs a saved file into the container, owned by the container's user, and restarts it (sync+restart)", async () => {
    await start();
    t.client.calls.length = 0;
    await write("web/src/index.js", "v2");
    await changed(["web/src/index.js"]);
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("v2");
    expect(t.client.files.get(WEB)?.get("/app/src/index.js")).toMatchObject({ uid: 1000, gid: 1000 });
    expect(uploads()).toHaveLength(1);
    expect(restarts()).toHaveLength(1);
    expect(t.reported).toContain("web-1: synced 1 file, restarted");
  });

  it("removes a file deleted on the host from the container", async () => {
    await write("web/src/old.js", "old");
    await start();
    expect(t.client.text(WEB, "/app/src/old.js")).toBe("old");
    await rm(host("web/src/old.js"));
    await changed(["web/src/old.js", "remove"]);
    expect(t.client.commands).toContain(`${WEB}: rm -rf -- /app/src/old.js`);
    expect(t.client.text(WEB, "/app/src/old.js")).toBeUndefined();
  });

  it("never syncs what is ignored (node_modules), nor watches it", async () => {
    await start();
    t.client.calls.length = 0;
    expect(watcher.request?.watchesDir(host("web/node_modules"))).toBe(false);
    expect(watcher.request?.watchesDir(host("web/src"))).toBe(true);
    await write("web/node_modules/dep/index.js", "changed");
    await changed(["web/node_modules/dep/index.js"], ["web/src/.index.js.swp"]);
    expect(t.client.calls).toEqual([]);
    expect(t.client.text(WEB, "/app/node_modules/dep/index.js")).toBeUndefined();
  });

  it("brings 500 files written at once in as one batch: one upload, one restart", async () => {
    await start();
    t.client.calls.length = 0;
    const names = Array.from({ length: 500 }, (_, i) => `web/gen/f${i}.js`);
    await Promise.all(names.map((n) => write(n, n)));
    for (const n of names) watcher.change(host(n));
    timers.advance(100);
    await quiesce();
    expect(uploads()).toHaveLength(1);
    expect(restarts()).toHaveLength(1);
    expect(t.client.text(WEB, "/app/gen/f499.js")).toBe("web/gen/f499.js");
    expect(t.reported).toContain("web-1: synced 500 files, restarted");
  });

  it("restarts once for a burst of saves", async () => {
    await start();
    t.client.calls.length = 0;
    for (let i = 0; i < 5; i++) {
      await write("web/src/index.js", `save ${i}`);
      watcher.change(host("web/src/index.js"));
      timers.advance(60);
    }
    timers.advance(100);
    await quiesce();
    expect(restarts()).toHaveLength(1);
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("save 4");
  });

  it("syncs the rest of a batch when one of its files vanishes before the upload", async () => {
    await start();
    await write("web/src/a.js", "a");
    await write("web/src/b.js", "b");
    const put = t.client.putArchive.bind(t.client);
    t.client.putArchive = async (...args) => {
      await rm(host("web/src/b.js"), { force: true });
      return put(...args);
    };
    await changed(["web/src/a.js"], ["web/src/b.js"]);
    expect(t.client.text(WEB, "/app/src/a.js")).toBe("a");
    expect(t.client.text(WEB, "/app/src/b.js")).toBeUndefined();
    expect(t.reported.filter((l) => l.startsWith("warn"))).toEqual([]);
  });

  it("runs a sync+exec rule's command after the sync, with its user and environment", async () => {
    await start();
    t.client.calls.length = 0;
    await write("config/app.ini", "level=debug");
    await changed(["config/app.ini"]);
    expect(t.client.text(WEB, "/etc/app/app.ini")).toBe("level=debug");
    const exec = [...t.client.execs.values()].find((e) => e.body.Cmd.join(" ") === "app reload");
    expect(exec?.body).toMatchObject({ User: "root", Env: ["LEVEL=debug"], Privileged: false });
    expect(restarts()).toEqual([]);
    expect(t.reported).toContain("web-1: synced 1 file, ran app reload");
  });

  it("brings files changed while watch was not running in line when it starts (initial_sync)", async () => {
    t.client.fs(WEB).set("/app/src/index.js", { kind: "file", data: Buffer.from("stale"), uid: 0, gid: 0 });
    await write("web/src/new.js", "new");
    await start();
    expect(t.client.commands[0]).toBe(`${WEB}: sha256sum -- /app/src/index.js /app/src/new.js`);
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("v1");
    expect(t.client.text(WEB, "/app/src/new.js")).toBe("new");
    expect(restarts()).toHaveLength(1);
    // The rule without initial_sync is left alone; the watch's own restart converges nothing.
    expect(t.client.commands).toHaveLength(1);
    expect(t.client.text(WEB, "/etc/app/app.ini")).toBeUndefined();
    expect(t.reported).toContain("web-1: 2 of 2 watched files differ from the host");
  });

  it("converges a container when it restarts, restarting it once more only when something differed", async () => {
    await start();
    // Something (an image rebuild, a hand edit) changed the files in the container behind the watch's back.
    t.client.fs(WEB).set("/app/src/index.js", { kind: "file", data: Buffer.from("drifted"), uid: 0, gid: 0 });
    t.client.calls.length = 0;
    await t.client.restartContainer(WEB);
    await quiesce();
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("v1");
    expect(t.client.text(WEB, "/etc/app/app.ini")).toBe("level=info"); // every sync rule converges on a start
    // the hand restart, then the watch's own (the process had started with drifted files), then no more
    expect(restarts()).toHaveLength(2);
    expect(t.client.commands.filter((e) => e.includes("app reload"))).toHaveLength(1);
    t.client.calls.length = 0;
    await t.client.restartContainer(WEB);
    await quiesce();
    expect(restarts()).toHaveLength(1);
    expect(uploads()).toEqual([]);
  });

  it("reports a failed rebuild in one line and keeps watching", async () => {
    await start();
    await write("api/main.go", "package main // v2");
    await changed(["api/main.go"]);
    expect(rebuilds).toEqual(["api"]);
    expect(t.reported).toContain("warn watch: api: rebuild failed: rebuild needs the builder (not yet available)");
    await write("web/src/index.js", "v3");
    await changed(["web/src/index.js"]);
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("v3");
  });

  it("copies every file when the image has no sha256sum, and says why", async () => {
    t.client.tools.sha256sum = false;
    await start(["web"]);
    expect(t.reported).toContain("warn watch: web-1 has no sha256sum: every watched file is copied to bring it in line");
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("v1");
  });

  it("says when a deletion cannot reach a container without rm, and syncs the rest", async () => {
    await start(["web"]);
    t.client.tools.rm = false;
    await rm(host("web/src/index.js"));
    await write("web/src/other.js", "other");
    await changed(["web/src/index.js", "remove"], ["web/src/other.js"]);
    expect(t.client.text(WEB, "/app/src/other.js")).toBe("other");
    expect(t.client.text(WEB, "/app/src/index.js")).toBe("v1");
    expect(t.reported.slice(-2)).toEqual(["web-1: synced 1 file, restarted", "warn watch: web: sync failed: cannot remove 1 path deleted on the host: the container has no rm"]);
  });

  it("up --watch watches while attached and stops watching when the attachment ends", async () => {
    const then = { kind: "attach" as const, abortOnContainerExit: false, timestamps: false, consumer: { line: () => {} } };
    const ports = { watcher, rebuild: failingRebuild, prune: false, timers };
    const running = up(t.s, { project: project(), environment: {} }, { ...upDetached(), services: ["web"], then, watch: ports });
    let failure: unknown;
    running.catch((e: unknown) => (failure = e));
    await until(() => watcher.request !== undefined || failure !== undefined);
    expect(failure).toBeUndefined();
    await write("web/src/index.js", "while attached");
    await changed(["web/src/index.js"]); // the session is up's own: wait for its upload
    await until(() => t.client.text(WEB, "/app/src/index.js") === "while attached");
    t.interrupt();
    expect((await running).exitCode).toBe(130);
    expect(watcher.closed).toBe(true);
    await expect(up(t.s, { project: project(), environment: {} }, { ...upDetached(), watch: ports })).rejects.toThrow(/attached/);
    const noRules = normalize(treeFromYaml("services:\n  db: {image: node:20}", { file: join(dir, "compose.yaml"), projectName: "demo" }));
    await expect(up(t.s, { project: noRules, environment: {} }, { ...upDetached(), then, watch: ports })).rejects.toThrow(/none of the selected services is configured for watch/);
  });

  it("brings the services up, watches until interrupted, then stops watching", async () => {
    await t.client.stopContainer(WEB);
    const done = watch(t.s, { project: project(), environment: {} }, { services: ["web"], noUp: false, watcher, rebuild: failingRebuild, prune: false, timers });
    await until(() => watcher.request !== undefined);
    expect(t.client.calls.filter((c) => c.startsWith("start "))).toHaveLength(1);
    expect([...t.client.containers.values()].find((c) => c.name === WEB)?.status).toBe("running");
    t.interrupt();
    await done;
    expect(watcher.closed).toBe(true);
  });
});
