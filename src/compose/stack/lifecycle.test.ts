import { describe, expect, it } from "vitest";
import { kill, pause, remove, start, stop, unpause } from "./lifecycle.ts";
import { stackProject, testStack, upDetached } from "./testing.ts";
import { up } from "./up.ts";

const sp = stackProject(`
services:
  web: { image: nginx, depends_on: [api] }
  api: { image: app, depends_on: [db] }
  db: { image: redis }
`);
const ref = { name: "demo", project: sp.project };

describe("start, stop, kill, pause, rm", () => {
  it("stops dependants before their dependencies and starts them after", async () => {
    const { s, client } = testStack();
    await up(s, sp, upDetached());
    client.calls.length = 0;
    await stop(s, ref, []);
    const names = (calls: string[], verb: string) => calls.filter((c) => c.startsWith(`${verb} `)).map((c) => client.containers.get(c.slice(verb.length + 1))?.name);
    expect(names(client.calls, "stop")).toEqual(["demo-web-1", "demo-api-1", "demo-db-1"]);
    client.calls.length = 0;
    await start(s, ref, []);
    expect(names(client.calls, "start")).toEqual(["demo-db-1", "demo-api-1", "demo-web-1"]);
  });

  it("kills live containers with a signal, pauses and unpauses, removes only stopped ones", async () => {
    const { s, client, reported } = testStack();
    await up(s, sp, upDetached());
    await pause(s, ref, ["db"]);
    expect([...client.containers.values()].find((c) => c.name === "demo-db-1")?.status).toBe("paused");
    await unpause(s, ref, ["db"]);
    await kill(s, ref, ["web"], "SIGTERM");
    expect(reported).toContain("Container demo-web-1  Killed");
    expect(client.calls.some((c) => c.startsWith("kill ") && c.endsWith(" SIGTERM"))).toBe(true);
    await remove(s, ref, [], { stopFirst: false, volumes: false });
    expect([...client.containers.values()].map((c) => c.name).sort()).toEqual(["demo-api-1", "demo-db-1"]);
    await remove(s, ref, ["api"], { stopFirst: true, volumes: false });
    expect([...client.containers.values()].map((c) => c.name)).toEqual(["demo-db-1"]);
    await expect(start(s, { name: "demo" }, ["web"])).rejects.toThrow(/service web has no container to start/);
  });
});
