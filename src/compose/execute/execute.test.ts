import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { FakeEngineClient } from "../engine-client/index.ts";
import { LABEL } from "../labels/index.ts";
import { observe } from "../observe/index.ts";
import { plan, planDown, type Plan } from "../plan/index.ts";
import { projectFromYaml } from "../plan/test-fixtures.ts";
import { execute, PlanExecutionError } from "./index.ts";
import type { ProgressEvent } from "./progress.ts";

const YAML = `
services:
  db:
    image: postgres:16
    healthcheck: {test: ["CMD", "pg_isready"], interval: 1s}
    volumes: ["data:/var/lib/postgresql/data"]
  migrate:
    image: example/backend:1
    depends_on: {db: {condition: service_healthy}}
  backend:
    image: example/backend:1
    environment: {MODE: prod}
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
  web:
    image: nginx:1.27
    depends_on: [backend]
volumes:
  data: {}
`;
const noSleep = async () => {};

function engine(): FakeEngineClient {
  const f = new FakeEngineClient();
  f.images.set("postgres:16", "sha256:pg");
  f.images.set("nginx:1.27", "sha256:nginx");
  f.exitOnStart.set("demo-migrate-1", 0);
  return f;
}
const imagesOf = (f: FakeEngineClient) => Object.fromEntries(f.images);

async function up(f: FakeEngineClient, yaml = YAML, events: ProgressEvent[] = []): Promise<Plan> {
  const project = projectFromYaml(yaml);
  const p = plan(project, await observe(f, "demo"), { images: imagesOf(f) });
  await execute(p, f, { onEvent: (e) => events.push(e), sleep: noSleep });
  return p;
}

describe("execute", () => {
  it("brings a project up in dependency order; observing it afterwards plans nothing", async () => {
    const f = engine();
    const events: ProgressEvent[] = [];
    const p = await up(f, YAML, events);
    const byName = new Map([...f.containers.values()].map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(["demo-backend-1", "demo-db-1", "demo-migrate-1", "demo-web-1"]);
    expect(byName.get("demo-web-1")?.status).toBe("running");
    expect(byName.get("demo-migrate-1")?.status).toBe("exited");
    // The pulled image's ID was filled into the label at create time.
    expect(byName.get("demo-backend-1")?.body.Labels[LABEL.image]).toBe("sha256:pulled-example/backend:1");
    const at = (call: string) => f.calls.indexOf(call);
    expect(at("start demo-db-1")).toBeLessThan(at("inspect demo-db-1"));
    expect(at("inspect demo-migrate-1")).toBeLessThan(at("start demo-backend-1"));
    expect(at("start demo-backend-1")).toBeLessThan(at("start demo-web-1"));
    expect(events.filter((e) => e.status === "done")).toHaveLength(p.nodes.length);
    expect(p.nodes.length).toBe(14);
    expect(events.find((e) => e.action === "create-container" && e.resource === "demo-db-1")?.detail).toBe("no existing container");

    // Round trip: what observe reads back is exactly what was planned (migrate exited, so it is started again, as compose does).
    const again = plan(projectFromYaml(YAML), await observe(f, "demo"), { images: imagesOf(f) });
    expect(again.nodes.map((n) => n.op.kind)).toEqual(["wait", "start-container"]);
  });

  it("recreates a changed service under the same name", async () => {
    const f = engine();
    await up(f);
    const oldId = [...f.containers.values()].find((c) => c.name === "demo-backend-1")!.id;
    await up(f, YAML.replace("MODE: prod", "MODE: dev"));
    const backend = [...f.containers.values()].filter((c) => c.name.includes("backend"));
    expect(backend).toHaveLength(1);
    expect(backend[0]!.id).not.toBe(oldId);
    expect(backend[0]!.status).toBe("running");
    expect(backend[0]!.body.Env).toEqual(["MODE=dev"]);
  });

  it("fails up when a completed_successfully dependency exits non-zero, naming it", async () => {
    const f = engine();
    f.exitOnStart.set("demo-migrate-1", 3);
    const err = await up(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanExecutionError);
    expect((err as Error).message).toBe(
      "wait for migrate completed successfully failed: dependency migrate of backend failed: container demo-migrate-1 didn't complete successfully: exit 3",
    );
    expect(isKind(err, "FailedPrecondition")).toBe(true);
    expect(f.calls).not.toContain("start demo-backend-1");
    expect(f.calls).not.toContain("start demo-web-1");
  });

  it("waits while a dependency is starting and fails when it turns unhealthy", async () => {
    const f = engine();
    f.health.set("demo-db-1", ["starting", "starting", "unhealthy"]);
    let sleeps = 0;
    const project = projectFromYaml(YAML);
    const p = plan(project, await observe(f, "demo"), { images: imagesOf(f) });
    const err = await execute(p, f, { sleep: async () => void sleeps++ }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/dependency db of (migrate|backend) failed: container demo-db-1 is unhealthy/);
    expect(sleeps).toBeGreaterThanOrEqual(2);
  });

  it("a failed optional dependency is a warning, not a failure", async () => {
    const f = engine();
    f.exitOnStart.set("demo-a-1", 1);
    const events: ProgressEvent[] = [];
    await up(f, `services:\n  a: {image: nginx:1.27}\n  b:\n    image: nginx:1.27\n    depends_on: {a: {condition: service_completed_successfully, required: false}}\n`, events);
    expect(events.some((e) => e.status === "warning" && e.resource === "a")).toBe(true);
    expect([...f.containers.values()].find((c) => c.name === "demo-b-1")?.status).toBe("running");
  });

  it("runs at most `concurrency` operations at once", async () => {
    const f = engine();
    f.delayMs = 5;
    const services = Array.from({ length: 12 }, (_, i) => `  s${i}: {image: nginx:1.27}`).join("\n");
    const p = plan(projectFromYaml(`services:\n${services}\n`), await observe(f, "demo"), { images: imagesOf(f) });
    f.maxInFlight = 0;
    await execute(p, f, { concurrency: 3, sleep: noSleep });
    expect(f.maxInFlight).toBe(3);
    expect([...f.containers.values()].filter((c) => c.status === "running")).toHaveLength(12);
  });

  it("stops at the first failure and launches nothing after it", async () => {
    const f = engine();
    f.failures.set("create demo-db-1", new Error("boom"));
    const err = await up(f).catch((e: unknown) => e);
    expect((err as PlanExecutionError).node.op.kind).toBe("create-container");
    expect((err as Error).message).toBe("create container demo-db-1 failed: boom");
    expect(f.calls.filter((c) => c.startsWith("start "))).toEqual([]);
  });

  it("an aborted signal stops the run", async () => {
    const f = engine();
    const ac = new AbortController();
    const project = projectFromYaml(YAML);
    const p = plan(project, await observe(f, "demo"), { images: imagesOf(f) });
    ac.abort(new Error("interrupted"));
    await expect(execute(p, f, { signal: ac.signal })).rejects.toThrow("interrupted");
    expect(f.containers.size).toBe(0);
  });

  it("aborting mid-run cancels what is in flight and rejects with the abort reason", async () => {
    const f = engine();
    f.delayMs = 5;
    const ac = new AbortController();
    const p = plan(projectFromYaml(YAML), await observe(f, "demo"), { images: imagesOf(f) });
    const run = execute(p, f, { signal: ac.signal, sleep: noSleep, onEvent: (e) => e.status === "done" && e.nodeId === 1 && ac.abort(new Error("ctrl-c")) });
    await expect(run).rejects.toThrow("ctrl-c");
    expect(f.calls.filter((c) => c.startsWith("start "))).toEqual([]);
  });

  it("down -v removes containers, networks and volumes", async () => {
    const f = engine();
    await up(f);
    const project = projectFromYaml(YAML);
    await execute(planDown(project, await observe(f, "demo"), { volumes: true }), f, { sleep: noSleep });
    expect(f.containers.size).toBe(0);
    expect(f.networks.size).toBe(0);
    expect(f.volumes.size).toBe(0);
  });
});
