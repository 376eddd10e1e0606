import { mkdir, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { adoptContainers } from "./adopt-containers.ts";
import { testImage } from "./testing/fake-seams.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const A = "a".repeat(64);
const running = { status: "running" as const, pid: 42, shimPid: 2001, startedAt: "2024-05-01T00:00:00.000Z", rootfsMounted: true };

describe("adoptContainers (engine start)", () => {
  it("keeps a container whose shim lives, with its healthcheck running again", async () => {
    await using bed = await containerTestbed({ image: testImage({ Healthcheck: { Test: ["CMD", "true"] } }) });
    await bed.addRecord(A, running);
    bed.shim.alive.add(2001);
    await adoptContainers(bed.parts);
    expect(bed.journal.calls).toEqual([`health start ${A}`]);
    expect(bed.deps.store.get(A).state.status).toBe("running");
  });

  it("hands an exit that happened meanwhile to the exit handler", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, running);
    bed.shim.exits.set(bed.deps.paths.container(A).exitFile, { exitCode: 0, signal: null, exitedAt: "2024-05-01T00:00:01.000Z", pid: 42 });
    await adoptContainers(bed.parts);
    expect(bed.journal.calls).toEqual([`handleExit ${A}`]);
  });

  it("stops and marks a container whose shim is gone without an exit file", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, running);
    const p = bed.deps.paths.container(A);
    await adoptContainers(bed.parts);
    expect(bed.journal.calls).toEqual([`runtime kill ${A} SIGKILL --all`, `runtime delete ${A} --force`, `unmount ${p.rootfs}`, "network tearDown name-aaaa"]);
    expect(bed.deps.store.get(A).state).toMatchObject({ status: "exited", exitCode: 137, error: "the container's monitor exited unexpectedly", rootfsMounted: false });
    expect(bed.events).toEqual([`die ${A}`]);
  });

  it("restarts a container that was waiting to, and finishes a removal", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "restarting" });
    await bed.addRecord("b".repeat(64), { status: "removing" });
    await adoptContainers(bed.parts);
    expect(bed.journal.calls).toEqual([`restart ${A} in 0 ms`, `remove ${"b".repeat(64)}`]);
  });

  it("undoes what a start cut short left: the runtime's container and the rootfs mount", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "created" });
    const p = bed.deps.paths.container(A);
    bed.runtime.states.set(A, { id: A, pid: 9, status: "created", bundle: p.bundle });
    bed.mounter.mounted.add(p.rootfs);
    await adoptContainers(bed.parts);
    expect(bed.journal.calls).toEqual([`runtime kill ${A} SIGKILL --all`, `runtime delete ${A} --force`, `unmount ${p.rootfs}`]);
  });

  it("moves a writable layer an older engine kept beside the record into the snapshotter", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "exited" });
    const legacy = bed.deps.paths.container(A).legacyLayer;
    await mkdir(legacy.upper, { recursive: true });
    await writeFile(`${legacy.upper}/f`, "x");
    await adoptContainers(bed.parts);
    expect(bed.journal.calls).toEqual([`images ensureSnapshots ${bed.image.id}`, `layers importActive ${A} chain-0 ${legacy.upper}`]);
  });
});
