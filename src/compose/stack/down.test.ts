import { describe, expect, it } from "vitest";
import { down, type DownOptions } from "./down.ts";
import { stackProject, testStack, upDetached } from "./testing.ts";
import { up } from "./up.ts";

const PROJECT = `
services:
  web: { image: nginx, depends_on: [db] }
  db: { image: redis:7, volumes: ["data:/data"] }
volumes:
  data: {}
`;
const opts = (over: Partial<DownOptions> = {}): DownOptions => ({ services: [], volumes: false, removeOrphans: false, dryRun: false, ...over });

describe("down", () => {
  it("removes what the project's labels find, with only its name; volumes with -v", async () => {
    const { s, client } = testStack();
    await up(s, stackProject(PROJECT), upDetached());
    const { plan } = await down(s, { name: "demo" }, opts({ volumes: true }));
    expect(plan.nodes.map((n) => n.op.kind).sort()).toEqual(["remove-container", "remove-container", "remove-network", "remove-volume", "stop-container", "stop-container"]);
    expect([client.containers.size, client.networks.size, client.volumes.size]).toEqual([0, 0, 0]);
  });

  it("--rmi all removes the services' images", async () => {
    const { s, client, reported } = testStack();
    const sp = stackProject(PROJECT);
    await up(s, sp, upDetached());
    await down(s, { name: "demo", project: sp.project }, opts({ rmi: "all" }));
    expect(reported.filter((l) => l.startsWith("Image ")).sort()).toEqual(["Image nginx  Removed", "Image redis:7  Removed"]);
    expect(client.images.size).toBe(0);
  });

  it("down SERVICE touches only its containers; a dry run changes nothing; nothing to remove warns", async () => {
    const { s, client, reported } = testStack();
    const sp = stackProject(PROJECT);
    await up(s, sp, upDetached());
    const dry = await down(s, { name: "demo", project: sp.project }, opts({ dryRun: true }));
    expect(dry.plan.nodes.length).toBeGreaterThan(0);
    expect(client.containers.size).toBe(2);
    await down(s, { name: "demo", project: sp.project }, opts({ services: ["web"] }));
    expect([...client.containers.values()].map((c) => c.name)).toEqual(["demo-db-1"]);
    expect(client.networks.size).toBe(1);
    await down(s, { name: "other" }, opts());
    expect(reported).toContain('warn no resource found to remove for project "other"');
  });
});
