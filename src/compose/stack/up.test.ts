import { describe, expect, it } from "vitest";
import { LABEL } from "../labels/index.ts";
import { formatPlan } from "../plan/index.ts";
import type { LogLine } from "./log-consumer.ts";
import { stackProject, testStack, upDetached } from "./testing.ts";
import { planUp, up, type UpOptions } from "./up.ts";

const PROJECT = `
services:
  backend:
    image: busybox:1.36
    command: ["sleep", "1000"]
    depends_on:
      db: { condition: service_healthy }
  db:
    image: redis:7
    healthcheck: { test: ["CMD", "true"] }
    volumes: ["data:/data"]
volumes:
  data: {}
`;

const options = (over: Partial<UpOptions> = {}): UpOptions => ({ ...upDetached(), ...over });

describe("up", () => {
  it("plans a first up against an empty engine, pulling only missing images, and changes nothing", async () => {
    const { s, client } = testStack();
    client.images.set("redis:7", "sha256:redis");
    expect(formatPlan(await planUp(s, stackProject(PROJECT), options({ dryRun: true })))).toMatchInlineSnapshot(`
      "#1 create network demo_default: not found
      #2 create volume demo_data: not found
      #3 pull image busybox:1.36: image not present
      #4 create container demo-db-1: no existing container (after #1, #2)
      #5 start container demo-db-1: created (after #4)
      #6 create container demo-backend-1: no existing container (after #1, #3)
      #7 wait for db healthy: backend waits for db to be healthy (after #5)
      #8 start container demo-backend-1: created (after #6, #7)
      "
    `);
    expect(client.calls.filter((c) => c.startsWith("create") || c.startsWith("start"))).toEqual([]);
  });

  it("runs the plan with progress, and a second up changes nothing", async () => {
    const { s, client, reported } = testStack();
    const sp = stackProject(PROJECT);
    const first = await up(s, sp, options());
    expect(first.exitCode).toBe(0);
    expect([...client.containers.values()].map((c) => [c.name, c.status]).sort()).toEqual([
      ["demo-backend-1", "running"],
      ["demo-db-1", "running"],
    ]);
    expect(reported).toContain("Running demo-backend-1 done");
    const again = await up(s, sp, options());
    expect(again.plan.nodes).toEqual([]);
  });

  it("rejects --scale and --exit-code-from of unknown services", async () => {
    const { s } = testStack();
    await expect(planUp(s, stackProject(PROJECT), options({ scale: { nope: 2 } }))).rejects.toThrow(/--scale: no such service: nope/);
    const attach = { kind: "attach", abortOnContainerExit: true, exitCodeFrom: "nope", timestamps: false, consumer: { line: () => {} } } as const;
    await expect(planUp(s, stackProject(PROJECT), options({ then: attach }))).rejects.toThrow(/--exit-code-from: no such service/);
  });

  it("--wait fails on a service that turns unhealthy, naming it", async () => {
    const { s, client } = testStack();
    client.health.set("demo-db-1", ["starting", "unhealthy"]);
    await expect(up(s, stackProject(PROJECT), options({ services: ["db"], then: { kind: "wait" } }))).rejects.toThrow(/service db is unhealthy/);
  });

  it("attached: streams output, stops the stack at the first exit and returns --exit-code-from's code", async () => {
    const { s, client, reported } = testStack();
    client.exitOnStart.set("demo-job-1", 3);
    client.output.set("demo-job-1", [{ stream: "stdout", data: Buffer.from("working\ndone\n") }]);
    const lines: LogLine[] = [];
    const exits: string[] = [];
    const sp = stackProject(`
services:
  job: { image: busybox, command: ["false"] }
  web: { image: nginx }
`);
    const consumer = { line: (l: LogLine) => void lines.push(l), exited: (label: string, code: number) => void exits.push(`${label} ${code}`) };
    const r = await up(s, sp, options({ then: { kind: "attach", abortOnContainerExit: true, exitCodeFrom: "job", timestamps: false, consumer } }));
    expect(r.exitCode).toBe(3);
    expect(exits).toEqual(["job-1 3"]);
    expect(lines.map((l) => `${l.label} ${l.text}`)).toEqual(["job-1 working", "job-1 done"]);
    expect(client.containers.size).toBe(2);
    expect([...client.containers.values()].every((c) => c.status === "exited")).toBe(true);
    expect(reported).toContain("Stopping demo-web-1 done");
  });

  it("attached: an interrupt stops the stack gracefully and returns 130; a kill signal kills", async () => {
    const { s, client, reported, interrupt } = testStack();
    const sp = stackProject(`services:\n  web: { image: nginx }\n`);
    const kill = new AbortController();
    client.delayMs = 5;
    const running = up(s, sp, options({ then: { kind: "attach", abortOnContainerExit: false, timestamps: false, consumer: { line: () => {} }, kill: kill.signal } }));
    while (![...client.containers.values()].some((c) => c.status === "running")) await new Promise((r) => setTimeout(r, 5));
    interrupt();
    kill.abort();
    expect((await running).exitCode).toBe(130);
    expect(reported).toContain("Gracefully stopping... (press Ctrl+C again to force)");
    expect(reported).toContain("Killing...");
    expect(client.calls.some((c) => c.startsWith("kill "))).toBe(true);
    expect([...client.containers.values()].map((c) => [c.body.Labels[LABEL.service], c.status])).toEqual([["web", "exited"]]);
  });
});
