import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import type { ObservedState } from "../observe/index.ts";
import { formatPlan, plan, planDown } from "./index.ts";
import type { Plan } from "./plan-types.ts";
import { projectFromYaml, upState } from "./test-fixtures.ts";

// Golden tests: each scenario's `--dry-run` text is pinned in __golden__/. Review a changed
// golden file like code: it is the behaviour.

const BASE = `
services:
  db:
    image: postgres:16
    healthcheck: {test: ["CMD", "pg_isready"], interval: 1s}
    volumes: ["data:/var/lib/postgresql/data"]
  migrate:
    image: example/backend:1
    command: [migrate]
    depends_on:
      db: {condition: service_healthy}
  backend:
    image: example/backend:1
    environment: {MODE: prod}
    depends_on:
      db: {condition: service_healthy, restart: true}
      migrate: {condition: service_completed_successfully}
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on: [backend]
volumes:
  data: {}
`;
const IMAGES = { "postgres:16": "sha256:pg", "example/backend:1": "sha256:be", "nginx:1.27": "sha256:nginx" };
const base = projectFromYaml(BASE);
const running = upState(base, IMAGES);
const golden = (name: string, p: Plan) => expect(formatPlan(p)).toMatchFileSnapshot(`./__golden__/${name}.txt`);

// Every dependency of a node comes earlier, and nothing is planned twice.
function checkWellFormed(p: Plan) {
  p.nodes.forEach((n, i) => {
    expect(n.id).toBe(i + 1);
    for (const d of n.deps) expect(d).toBeLessThan(n.id);
  });
}

describe("plan up (golden)", () => {
  it("first up: networks, volumes, pulls, then containers in dependency order", async () => {
    const p = plan(base, { projectName: "demo", containers: [], networks: [], volumes: [] }, { images: { "postgres:16": "sha256:pg", "nginx:1.27": "sha256:nginx" } });
    checkWellFormed(p);
    await golden("first-up", p);
  });

  it("no-op up: nothing changed, nothing to do", async () => {
    const p = plan(base, running, { images: IMAGES });
    expect(p.nodes).toEqual([]);
    await golden("noop-up", p);
  });

  it("changed env in backend: only backend is recreated (web depends on it without restart: true)", async () => {
    const changed = projectFromYaml(BASE.replace("MODE: prod", "MODE: dev"));
    const p = plan(changed, running, { images: IMAGES });
    checkWellFormed(p);
    expect(new Set(p.nodes.map((n) => ("service" in n.op ? n.op.service : "")))).toEqual(new Set(["backend", "db", "migrate"]));
    await golden("changed-env-backend", p);
  });

  it("changed env in db: db recreated, backend (restart: true) stopped before and started after, migrate untouched", async () => {
    const changed = projectFromYaml(BASE.replace("volumes: [\"data:", "environment: {PGDATA: /x}\n    volumes: [\"data:"));
    const p = plan(changed, running, { images: IMAGES });
    checkWellFormed(p);
    await golden("changed-env-db-restart-dependant", p);
  });

  it("scale 3 → 1 removes the highest numbers", async () => {
    const p = plan(base, upState(base, IMAGES, { web: 3 }), { images: IMAGES });
    checkWellFormed(p);
    await golden("scale-3-to-1", p);
  });

  it("scale up fills the lowest free numbers", async () => {
    const state = upState(base, IMAGES, { web: 3 });
    const withGap: ObservedState = { ...state, containers: state.containers.filter((c) => c.name !== "demo-web-2") };
    const p = plan(base, withGap, { images: IMAGES, scale: { web: 4 } });
    checkWellFormed(p);
    await golden("scale-up-with-gap", p);
  });

  it("removed service: orphan left with a warning", async () => {
    const noWeb = projectFromYaml(BASE.replace(/ {2}web:[\s\S]*?depends_on: \[backend\]\n/, ""));
    const p = plan(noWeb, running, { images: IMAGES });
    expect(p.nodes).toEqual([]);
    expect(p.warnings).toHaveLength(1);
    await golden("orphan-kept", p);
  });

  it("removed service with --remove-orphans", async () => {
    const noWeb = projectFromYaml(BASE.replace(/ {2}web:[\s\S]*?depends_on: \[backend\]\n/, ""));
    const p = plan(noWeb, running, { images: IMAGES, removeOrphans: true });
    checkWellFormed(p);
    await golden("orphan-removed", p);
  });

  it("changed image digest: only the service running that image is recreated", async () => {
    const p = plan(base, running, { images: { ...IMAGES, "nginx:1.27": "sha256:nginx-new" } });
    checkWellFormed(p);
    await golden("changed-image", p);
  });

  it("exited containers are started again, with their dependency gates", async () => {
    const state: ObservedState = { ...running, containers: running.containers.map((c) => (c.service === "migrate" ? { ...c, state: "exited" } : c)) };
    const p = plan(base, state, { images: IMAGES });
    await golden("restart-exited", p);
  });

  it("--force-recreate of one service with --no-deps", async () => {
    const p = plan(base, running, { images: IMAGES, services: ["web"], noDeps: true, forceRecreate: true });
    checkWellFormed(p);
    await golden("force-recreate-web-no-deps", p);
  });
});

describe("plan down (golden)", () => {
  it("down: stop in reverse dependency order, remove containers, then networks", async () => {
    const p = planDown(base, running);
    checkWellFormed(p);
    await golden("down", p);
  });

  it("down -v also removes the project's named volumes and anonymous volumes", async () => {
    const p = planDown(base, running, { volumes: true });
    checkWellFormed(p);
    await golden("down-v", p);
  });

  it("down without a compose file orders by the depends_on labels", () => {
    const labelled: ObservedState = {
      ...running,
      containers: running.containers.map((c) =>
        c.service === "web" ? { ...c, labels: { ...c.labels, "com.docker.compose.depends_on": "backend:service_started:false" } } : c,
      ),
    };
    const p = planDown(undefined, labelled);
    const stopOf = (name: string) => p.nodes.find((n) => n.op.kind === "stop-container" && n.op.name === name)!;
    expect(stopOf("demo-backend-1").deps).toContain(stopOf("demo-web-1").id);
    expect(p.nodes.filter((n) => n.op.kind === "remove-network")).toHaveLength(1);
  });
});

describe("plan up: decisions", () => {
  it("stops a recreated container only after its replacement was created", () => {
    const changed = projectFromYaml(BASE.replace("MODE: prod", "MODE: dev"));
    const p = plan(changed, running, { images: IMAGES });
    const create = p.nodes.find((n) => n.op.kind === "create-container")!;
    const stop = p.nodes.find((n) => n.op.kind === "stop-container")!;
    expect(stop.deps).toContain(create.id);
    expect(create.op.kind === "create-container" && create.op.name).toBe("id-demo-back_demo-backend-1");
  });

  it("--no-recreate keeps diverged containers", () => {
    const changed = projectFromYaml(BASE.replace("MODE: prod", "MODE: dev"));
    expect(plan(changed, running, { images: IMAGES, noRecreate: true }).nodes).toEqual([]);
  });

  it("recreates a container not connected to a network it should be on", () => {
    const state: ObservedState = { ...running, containers: running.containers.map((c) => (c.service === "web" ? { ...c, networks: [] } : c)) };
    const p = plan(base, state, { images: IMAGES });
    expect(p.nodes[0]?.reason).toBe("replaces demo-web-1: not connected to network demo_default");
  });

  it("--no-start creates but starts nothing", () => {
    const p = plan(base, { projectName: "demo", containers: [], networks: [], volumes: [] }, { images: IMAGES, noStart: true });
    expect(p.nodes.some((n) => n.op.kind === "start-container" || n.op.kind === "wait")).toBe(false);
    expect(p.nodes.filter((n) => n.op.kind === "create-container")).toHaveLength(4);
  });

  it("pull policy never with a missing image fails the plan", () => {
    const e = (() => {
      try {
        plan(base, running, { images: {}, pullPolicy: "never" });
      } catch (err) {
        return err;
      }
    })();
    expect(isKind(e, "FailedPrecondition")).toBe(true);
  });

  it("unknown service and container_name with scale are rejected", () => {
    expect(() => plan(base, running, { images: IMAGES, services: ["nope"] })).toThrow(/no such service: nope/);
    const named = projectFromYaml(`services:\n  a: {image: x, container_name: fixed}\n`);
    expect(() => plan(named, running, { images: { x: "sha256:x" }, scale: { a: 2 } })).toThrow(/container_name/);
  });

  it("a service sharing a recreated service's network namespace is recreated too", () => {
    const yaml = `services:\n  vpn: {image: vpn, environment: {A: "1"}}\n  app: {image: app, network_mode: "service:vpn"}\n`;
    const before = projectFromYaml(yaml);
    const images = { vpn: "sha256:vpn", app: "sha256:app" };
    const p = plan(projectFromYaml(yaml.replace('A: "1"', 'A: "2"')), upState(before, images), { images });
    const creates = p.nodes.filter((n) => n.op.kind === "create-container");
    expect(creates.map((n) => n.reason)).toEqual(["replaces demo-vpn-1: config hash changed", "replaces demo-app-1: shares namespaces or volumes with recreated vpn"]);
    const appCreate = creates[1]!;
    const vpnRename = p.nodes.find((n) => n.op.kind === "rename-container" && n.op.service === "vpn")!;
    expect(appCreate.deps).toContain(vpnRename.id);
  });

  it("a dependency cycle is an InvalidArgument", () => {
    const cyc = projectFromYaml(`services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n`);
    expect(() => plan(cyc, { projectName: "demo", containers: [], networks: [], volumes: [] }, { images: { x: "sha256:x" } })).toThrow(/cycle/);
  });
});
