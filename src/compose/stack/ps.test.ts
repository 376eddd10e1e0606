import { describe, expect, it } from "vitest";
import type { ContainerSummary } from "../engine-client/index.ts";
import { LABEL } from "../labels/index.ts";
import { summarizeProjects } from "./ls.ts";
import { ps } from "./ps.ts";
import { stackProject, testStack, upDetached } from "./testing.ts";
import { up } from "./up.ts";
import { wait } from "./wait.ts";
import { readinessOf } from "./wait-ready.ts";


describe("ps and wait", () => {
  it("lists running containers by service and replica; all or by status includes stopped ones", async () => {
    const { s, client } = testStack();
    await up(s, stackProject(`services:\n  web: { image: nginx, scale: 2 }\n  db: { image: redis }\n`), upDetached());
    client.exitContainer("demo-web-2", 1);
    expect((await ps(s, "demo", { services: [], all: false, status: [] })).map((c) => c.name)).toEqual(["demo-db-1", "demo-web-1"]);
    expect((await ps(s, "demo", { services: ["web"], all: true, status: [] })).map((c) => c.name)).toEqual(["demo-web-1", "demo-web-2"]);
    expect((await ps(s, "demo", { services: [], all: false, status: ["exited"] })).map((c) => `${c.name} ${c.status}`)).toEqual(["demo-web-2 Exited (1)"]);
  });

  it("waits for the containers to stop, reporting each exit, and returns the first non-zero code", async () => {
    const { s, client } = testStack();
    await up(s, stackProject(`services:\n  a: { image: x }\n  b: { image: x }\n`), upDetached());
    const exits: string[] = [];
    const waiting = wait(s, { name: "demo" }, { services: [], downProject: false, onExit: (c, code) => void exits.push(`${c} ${code}`) });
    await new Promise((r) => setTimeout(r, 5));
    client.exitContainer("demo-b-1", 0);
    client.exitContainer("demo-a-1", 7);
    expect(await waiting).toBe(7);
    expect(exits).toEqual(["demo-b-1 0", "demo-a-1 7"]);
  });
});

describe("readiness for up --wait", () => {
  const state = (over: object) => ({ status: "running" as const, running: true, exitCode: 0, ...over });
  it("is ready when running (and healthy), fails on unhealthy or an exit unless allowed to complete", () => {
    expect(readinessOf("web", state({}), false)).toEqual({ kind: "ready" });
    expect(readinessOf("web", state({ health: "starting" }), false)).toEqual({ kind: "pending" });
    expect(readinessOf("web", state({ health: "unhealthy", healthOutput: "refused" }), false)).toEqual({ kind: "failed", why: "service web is unhealthy: refused" });
    expect(readinessOf("job", state({ status: "exited", running: false }), true)).toEqual({ kind: "ready" });
    expect(readinessOf("job", state({ status: "exited", running: false, exitCode: 2 }), true)).toEqual({ kind: "failed", why: "service job exited with code 2" });
    expect(readinessOf("web", state({ status: "created", running: false }), false)).toEqual({ kind: "pending" });
  });
});

describe("ls", () => {
  it("groups containers by project and counts their states", () => {
    const c = (project: string, state: ContainerSummary["state"]): ContainerSummary => ({
      id: "x", name: "x", image: "x", imageId: "", labels: { [LABEL.project]: project, [LABEL.configFiles]: `/srv/${project}/compose.yaml` }, state, health: "none", created: 0, networks: [], volumes: [], status: "", command: "", ports: [],
    });
    expect(summarizeProjects([c("b", "exited"), c("a", "running"), c("a", "exited"), c("a", "running")])).toEqual([
      { name: "a", status: "exited(1), running(2)", configFiles: "/srv/a/compose.yaml", running: true },
      { name: "b", status: "exited(1)", configFiles: "/srv/b/compose.yaml", running: false },
    ]);
  });
});
