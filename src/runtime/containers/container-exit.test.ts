import { describe, expect, it } from "vitest";
import { handleContainerExit, exitedState } from "./container-exit.ts";
import { initialState } from "./container-record.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const ID = "a".repeat(64);
const running = { status: "running" as const, pid: 42, pidStartTime: "st42", shimPid: 43, startedAt: "2024-05-01T00:00:00.000Z", netnsPath: "/run/netns/x", rootfsMounted: true };
const exit = (exitCode: number, exitedAt = "2024-05-01T00:00:01.000Z") => ({ exitCode, signal: null, exitedAt, pid: 42 });

describe("handleContainerExit", () => {
  it("records the exit, releases runtime state, rootfs and network, and announces the death", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running);
    const p = bed.deps.paths.container(ID);
    bed.shim.exits.set(p.exitFile, exit(3));
    await handleContainerExit(bed.parts, ID);
    expect(bed.journal.calls).toEqual([`health stop ${ID}`, `runtime deleteStopped ${ID}`, `unmount ${p.rootfs}`, "network tearDown name-aaaa"]);
    const { state } = bed.deps.store.get(ID);
    expect(state).toMatchObject({ status: "exited", exitCode: 3, pid: 0, shimPid: 0, finishedAt: "2024-05-01T00:00:01.000Z", rootfsMounted: false, oomKilled: false });
    expect(state.netnsPath).toBeUndefined();
    expect(state.pidStartTime).toBeUndefined();
    expect(bed.events).toEqual([`die ${ID}`]);
    expect(bed.eventLog[0]?.attributes["exitCode"]).toBe("3");
  });

  it("says when the OOM killer ended it", async () => {
    await using bed = await containerTestbed({ oomKills: 1 });
    await bed.addRecord(ID, running);
    bed.shim.exits.set(bed.deps.paths.container(ID).exitFile, exit(137));
    await handleContainerExit(bed.parts, ID);
    expect(bed.deps.store.get(ID).state.oomKilled).toBe(true);
    expect(bed.events).toEqual([`oom ${ID}`, `die ${ID}`]);
  });

  it("schedules a restart as the policy says, after the backoff", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running, { restartPolicy: { name: "on-failure", maximumRetryCount: 0 } });
    bed.shim.exits.set(bed.deps.paths.container(ID).exitFile, exit(1));
    await handleContainerExit(bed.parts, ID);
    expect(bed.deps.store.get(ID).state.status).toBe("restarting");
    expect(bed.journal.of("restart")).toEqual([`restart ${ID} in 100 ms`]);
  });

  it("never restarts an explicitly stopped container; auto-removes one with --rm", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { ...running, explicitlyStopped: true }, { restartPolicy: { name: "always" }, autoRemove: true });
    bed.shim.exits.set(bed.deps.paths.container(ID).exitFile, exit(0));
    await handleContainerExit(bed.parts, ID);
    expect(bed.deps.store.get(ID).state.status).toBe("exited");
    expect(bed.journal.of("restart")).toEqual([]);
    expect(bed.journal.of("auto-remove")).toEqual([`auto-remove ${ID}`]);
  });

  it("goes on when a release fails, with a warning", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running);
    bed.shim.exits.set(bed.deps.paths.container(ID).exitFile, exit(0));
    bed.journal.failOn("network.tearDown", new Error("busy"));
    await handleContainerExit(bed.parts, ID);
    expect(bed.journal.calls).toContain(`log warn network teardown ${ID}: Error: busy`);
    expect(bed.deps.store.get(ID).state.status).toBe("exited");
  });

  it("ignores the exit file of a rolled-back start, of an unknown container, and an exit not written yet", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { status: "created" });
    await handleContainerExit(bed.parts, ID);
    await handleContainerExit(bed.parts, "b".repeat(64));
    await bed.addRecord("c".repeat(64), running);
    await handleContainerExit(bed.parts, "c".repeat(64));
    expect(bed.journal.calls).toEqual([]);
    expect(bed.events).toEqual([]);
  });
});

describe("exitedState", () => {
  it("marks a container with a healthcheck unhealthy", () => {
    const s = exitedState({ ...initialState(), status: "running", health: { status: "healthy", failingStreak: 0, log: [] } }, exit(0), { restart: true, oomKilled: false });
    expect(s).toMatchObject({ status: "restarting", health: { status: "unhealthy" } });
  });
});
