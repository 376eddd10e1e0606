import { describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import { emitContainerEvent } from "./container-events.ts";
import type { ProcessSignaller } from "./process-signal.ts";
import { killContainer, signalContainer, stopContainer } from "./stop-container.ts";
import { testImage } from "./testing/fake-seams.ts";
import { containerTestbed, type ContainerTestbed } from "./testing/container-testbed.ts";

const ID = "a".repeat(64);

// A container whose init exits (as the exit handler would announce it) on the signals given.
function diesOn(bed: ContainerTestbed, signals: readonly string[]): ProcessSignaller {
  return {
    startTime: async (pid) => `st${pid}`,
    async signalIf(pid, _t, signal) {
      bed.journal.calls.push(`signal ${pid} ${signal}`);
      if (signals.includes(signal)) queueMicrotask(() => emitContainerEvent(bed.deps.events, bed.deps.store.get(ID), "die", { exitCode: "0" }));
      return true;
    },
  };
}

const running = { status: "running" as const, pid: 42, pidStartTime: "st42" };

describe("stopContainer", () => {
  it("sends the stop signal to init and returns once the container exited", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running);
    const parts = { ...bed.parts, signaller: diesOn(bed, ["SIGTERM"]) };
    expect(await stopContainer(parts, ID, 5)).toEqual({ escalated: false, alreadyStopped: false });
    expect(bed.journal.calls).toEqual([`restarts cancel ${ID}`, "signal 42 SIGTERM"]);
    expect(bed.deps.store.get(ID).state.explicitlyStopped).toBe(true);
    expect(bed.events).toEqual([`kill ${ID}`, `die ${ID}`]);
    expect(bed.eventLog[0]?.attributes["signal"]).toBe("TERM");
  });

  it("escalates to SIGKILL after the grace period, and says so", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running);
    const parts = { ...bed.parts, signaller: diesOn(bed, ["SIGKILL"]) };
    expect(await stopContainer(parts, ID, 0.05)).toEqual({ escalated: true, alreadyStopped: false });
    expect(bed.journal.of("signal")).toEqual(["signal 42 SIGTERM", "signal 42 SIGKILL"]);
  });

  it("kills at once without a grace period", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running);
    const parts = { ...bed.parts, signaller: diesOn(bed, ["SIGKILL"]) };
    expect(await stopContainer(parts, ID, 0)).toEqual({ escalated: false, alreadyStopped: false });
    expect(bed.journal.of("signal")).toEqual(["signal 42 SIGKILL"]);
  });

  it("uses the container's stop signal, else the image's", async () => {
    await using bed = await containerTestbed({ image: testImage({ StopSignal: "SIGQUIT" }) });
    await bed.addRecord(ID, running);
    await stopContainer({ ...bed.parts, signaller: diesOn(bed, ["SIGQUIT"]) }, ID, 5);
    expect(bed.journal.of("signal")).toEqual(["signal 42 SIGQUIT"]);
  });

  it("only marks a stopped container, and ends a pending restart", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord("b".repeat(64), { status: "exited" });
    expect(await stopContainer(bed.parts, "b".repeat(64))).toEqual({ escalated: false, alreadyStopped: true });
    await bed.addRecord(ID, { status: "restarting" });
    expect(await stopContainer(bed.parts, ID)).toEqual({ escalated: false, alreadyStopped: true });
    expect(bed.deps.store.get(ID).state).toMatchObject({ status: "exited", explicitlyStopped: true });
    expect(bed.events).toEqual([]);
  });
});

describe("signalContainer", () => {
  it("goes through the runtime without a recorded start time, thaws a paused container, and ignores a gone one", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord(ID, { status: "paused", pid: 42 });
    await signalContainer(bed.parts, rec, "SIGKILL");
    expect(bed.journal.calls).toEqual([`runtime kill ${ID} SIGKILL --all`, `runtime resume ${ID}`]);
    bed.journal.failOn("runtime.kill", new TstackError("NotFound", "container does not exist"));
    await expect(signalContainer(bed.parts, rec, "SIGTERM")).resolves.toBeUndefined();
    bed.journal.failOn("runtime.kill", new TstackError("Internal", "runc broke"));
    await expect(signalContainer(bed.parts, rec, "SIGTERM")).rejects.toThrow("runc broke");
  });

  it("goes through the runtime for a container sharing another's pid namespace", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord(ID, running, { options: { pid: { kind: "host" } } });
    await signalContainer(bed.parts, rec, "SIGTERM");
    expect(bed.journal.calls).toEqual([`runtime kill ${ID} SIGTERM`]);
  });
});

describe("killContainer", () => {
  it("refuses a container that is not running", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { status: "exited" });
    await expect(killContainer(bed.parts, ID)).rejects.toMatchObject({ kind: "Conflict" });
  });

  it("counts SIGKILL and SIGTERM as an explicit stop, other signals not", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, running);
    await killContainer(bed.parts, ID, "HUP");
    expect(bed.deps.store.get(ID).state.explicitlyStopped).toBe(false);
    await killContainer(bed.parts, ID, "15");
    expect(bed.deps.store.get(ID).state.explicitlyStopped).toBe(true);
    expect(bed.journal.calls).toEqual(["signal 42 SIGHUP", `restarts cancel ${ID}`, "signal 42 SIGTERM"]);
  });
});
