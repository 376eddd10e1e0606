import { describe, expect, it } from "vitest";
import { emitContainerEvent } from "./container-events.ts";
import { nextExit, waitContainer } from "./wait-container.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const A = "a".repeat(64);

describe("waitContainer", () => {
  it("answers at once for a container not running, with its recorded exit code", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "exited", exitCode: 4 });
    expect(await waitContainer(bed.deps, A)).toEqual({ exitCode: 4 });
  });

  it("waits for the exit, past a restart of the restart policy", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord(A, { status: "running" });
    const waiting = waitContainer(bed.deps, A);
    await bed.deps.store.save({ ...rec, state: { ...rec.state, status: "restarting" } });
    emitContainerEvent(bed.deps.events, rec, "die", { exitCode: "1" });
    await bed.deps.store.save({ ...rec, state: { ...rec.state, status: "exited" } });
    emitContainerEvent(bed.deps.events, rec, "die", { exitCode: "2" });
    expect(await waiting).toEqual({ exitCode: 2 });
  });

  it("answers `next-exit` at the next die, and `removed` at the destroy with the last exit code", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord(A, { status: "running" });
    const next = waitContainer(bed.deps, A, "next-exit");
    const removed = waitContainer(bed.deps, A, "removed");
    emitContainerEvent(bed.deps.events, rec, "die", { exitCode: "7" });
    expect(await next).toEqual({ exitCode: 7 });
    emitContainerEvent(bed.deps.events, rec, "destroy");
    expect(await removed).toEqual({ exitCode: 7 });
  });

  it("stops waiting when aborted", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "running" });
    const ac = new AbortController();
    const waiting = waitContainer(bed.deps, A, "not-running", ac.signal);
    ac.abort();
    await expect(waiting).rejects.toBeDefined();
  });
});

describe("nextExit", () => {
  it("settles at the container's die or destroy, not another's", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord(A);
    const other = await bed.addRecord("b".repeat(64));
    let done = false;
    const p = nextExit(bed.deps.events, A).then(() => (done = true));
    emitContainerEvent(bed.deps.events, other, "die");
    emitContainerEvent(bed.deps.events, rec, "start");
    await Promise.resolve();
    expect(done).toBe(false);
    emitContainerEvent(bed.deps.events, rec, "destroy");
    await p;
    expect(done).toBe(true);
  });
});
