import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import { removeContainer } from "./remove-container.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const A = "a".repeat(64);

describe("removeContainer", () => {
  it("releases what is left in order and forgets the container", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "exited" });
    const p = bed.deps.paths.container(A);
    bed.runtime.states.set(A, { id: A, pid: 0, status: "stopped", bundle: p.bundle });
    bed.mounter.mounted.add(p.rootfs);
    await removeContainer(bed.parts, A);
    expect(bed.journal.calls).toEqual([`restarts forget ${A}`, `runtime delete ${A} --force`, `unmount ${p.rootfs}`, "network tearDown name-aaaa", `layers remove ${A}`]);
    expect(bed.deps.store.find(A)).toBeUndefined();
    expect(bed.events).toEqual([`destroy ${A}`]);
  });

  it("spawns nothing for what the exit released already, and tolerates a layer already gone", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "exited" });
    bed.journal.failOn("layers.remove", new TstackError("NotFound", "no such snapshot"));
    await removeContainer(bed.parts, A);
    expect(bed.journal.calls).toEqual([`restarts forget ${A}`, "network tearDown name-aaaa", `layers remove ${A}`]);
    expect(bed.deps.store.find(A)).toBeUndefined();
  });

  it("refuses a running container without force, and stops it at once with force", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "running", pid: 4 });
    await expect(removeContainer(bed.parts, A)).rejects.toMatchObject({ kind: "Conflict" });
    await removeContainer(bed.parts, A, { force: true });
    expect(bed.journal.calls[0]).toBe(`stop ${A} 0`);
    expect(bed.deps.store.find(A)).toBeUndefined();
  });

  it("removes its anonymous volumes when asked, unless another container uses one", async () => {
    await using bed = await containerTestbed();
    const { volume: mine } = await bed.volumes.create({ anonymous: true });
    const { volume: shared } = await bed.volumes.create({ anonymous: true });
    await bed.addRecord(A, { status: "exited" }, { mounts: [{ type: "volume", name: mine.name, target: "/a" }] });
    await bed.addRecord("b".repeat(64), { status: "exited" }, { mounts: [{ type: "volume", name: shared.name, target: "/s" }] });
    await bed.deps.store.update(A, (r) => ({ ...r, anonymousVolumes: [mine.name, shared.name] }));
    await removeContainer(bed.parts, A, { volumes: true });
    expect(bed.volumes.list().map((v) => v.name)).toEqual([shared.name]);
    expect(bed.journal.calls.some((c) => c.startsWith(`log warn removing volume ${shared.name}`))).toBe(true);
  });
});
