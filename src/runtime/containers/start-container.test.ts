import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { failedStartState, hostsFileText, launchContainer, restartByPolicy, startContainer } from "./start-container.ts";
import { initialState } from "./container-record.ts";
import { testImage } from "./testing/fake-seams.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const ID = "a".repeat(64);

describe("startContainer", () => {
  it("mounts the rootfs, sets up the network, writes the /etc files and spec, and starts a shim", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { explicitlyStopped: true });
    const p = bed.deps.paths.container(ID);
    expect(await startContainer(bed.parts, ID)).toEqual({ alreadyRunning: false });
    expect(bed.journal.calls).toEqual([
      `restarts cancel ${ID}`,
      `images ensureSnapshots ${bed.image.id}`,
      `layers mounts ${ID}`,
      `mount overlay ${p.rootfs}`,
      "network setUp name-aaaa",
      `shim create ${ID}`,
    ]);
    const rec = bed.deps.store.get(ID);
    expect(rec.state).toMatchObject({ status: "running", pid: 1001, pidStartTime: "st1001", shimPid: 2001, rootfsMounted: true, explicitlyStopped: false, startedAt: "2024-05-01T00:00:00.000Z" });
    expect(await readFile(p.hostname, "utf8")).toBe("aaaaaaaaaaaa\n");
    expect(await readFile(p.resolvConf, "utf8")).toBe("nameserver 10.0.0.1\n");
    const spec = JSON.parse(await readFile(join(p.bundle, "config.json"), "utf8")) as { root: { path: string }; linux: { cgroupsPath: string } };
    expect(spec.root.path).toBe(p.rootfs);
    expect(spec.linux.cgroupsPath).toBe(`/tstack-${ID}`);
    expect(bed.events).toEqual([`start ${ID}`]);
  });

  it("leaves a running container as it is", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { status: "running", pid: 5 });
    expect(await startContainer(bed.parts, ID)).toEqual({ alreadyRunning: true });
    expect(bed.journal.calls).toEqual([]);
  });

  it("starts the image's healthcheck with a running container", async () => {
    await using bed = await containerTestbed({ image: testImage({ Healthcheck: { Test: ["CMD", "true"] } }) });
    await bed.addRecord(ID);
    await startContainer(bed.parts, ID);
    expect(bed.journal.of("health")).toEqual([`health start ${ID}`]);
    expect(bed.deps.store.get(ID).state.health).toEqual({ status: "starting", failingStreak: 0, log: [] });
  });

  it("copies the image's content into a new named volume through the process runner, once", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, {}, { mounts: [{ type: "volume", name: "data", target: "/etc" }] });
    const p = bed.deps.paths.container(ID);
    await mkdir(join(p.rootfs, "etc"), { recursive: true });
    await startContainer(bed.parts, ID);
    const volume = bed.volumes.get("data");
    expect(bed.journal.of("run")).toEqual([`run cp -a -- ${p.rootfs}/etc/. ${volume.mountpoint}/`]);
    expect(volume.populated).toBe(true);
  });

  it("undoes every step in reverse when the shim fails, and records why on the container", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID);
    const p = bed.deps.paths.container(ID);
    bed.journal.failOn("shim.create", new Error("exec format error"));
    await expect(startContainer(bed.parts, ID)).rejects.toMatchObject({ kind: "Internal", message: "starting container name-aaaa: exec format error" });
    expect(bed.journal.calls.slice(-3)).toEqual([`shim create ${ID}`, "network tearDown name-aaaa", `unmount ${p.rootfs}`]);
    expect(bed.deps.store.get(ID).state).toMatchObject({ status: "created", error: "exec format error", rootfsMounted: false, pid: 0 });
    expect(bed.events).toEqual([]);
  });

  it("deletes the runtime's container too when a later step fails, and logs what could not be undone", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID);
    bed.journal.failOn("network.tearDown", new Error("busy"));
    const err = new Error("no start time");
    const parts = { ...bed.parts, signaller: { startTime: () => Promise.reject(err) } };
    await expect(launchContainer(parts, bed.deps.store.get(ID))).rejects.toThrow("no start time");
    expect(bed.journal.calls).toContain(`runtime delete ${ID} --force`);
    expect(bed.journal.calls).toContain("log error container name-aaaa: cleaning up a failed start: network: busy");
  });
});

describe("restartByPolicy", () => {
  it("starts a container still waiting to restart, counting the restart", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { status: "restarting", restartCount: 2 });
    await restartByPolicy(bed.parts, ID);
    expect(bed.deps.store.get(ID).state).toMatchObject({ status: "running", restartCount: 3 });
    expect(bed.events).toEqual([`start ${ID}`]);
  });

  it("does nothing for a container stopped or removed meanwhile", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(ID, { status: "exited" });
    await restartByPolicy(bed.parts, ID);
    await restartByPolicy(bed.parts, "b".repeat(64));
    expect(bed.journal.calls).toEqual([]);
  });
});

describe("start's pure parts", () => {
  it("writes /etc/hosts with the container's addresses and its networks' extra entries", async () => {
    await using bed = await containerTestbed();
    const rec = await bed.addRecord(ID, {}, { options: { domainname: "example.org" } });
    const text = hostsFileText(rec, "web", {
      endpoints: [{ network: "n", networkName: "n", ip: "10.0.0.5", prefixLen: 24, gateway: "10.0.0.1", mac: "", aliases: [] }],
      hostsEntries: [{ ip: "10.0.0.9", names: ["db", "db.local"] }],
    });
    expect(text).toContain("10.0.0.5\tweb.example.org web\n");
    expect(text.endsWith("10.0.0.9\tdb db.local\n")).toBe(true);
  });

  it("records a failed start: a restarting container becomes exited, with Docker's exit code", () => {
    expect(failedStartState({ ...initialState(), status: "restarting", pid: 7 }, 'exec: "nope": executable file not found in $PATH')).toMatchObject({
      status: "exited",
      exitCode: 127,
      pid: 0,
      rootfsMounted: false,
    });
    expect(failedStartState(initialState(), "boom").status).toBe("created");
  });
});
