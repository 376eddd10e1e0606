import { describe, expect, it } from "vitest";
import { containerConfig, createContainer } from "./create-container.ts";
import { testImage } from "./testing/fake-seams.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

describe("createContainer", () => {
  it("stores a record with Docker's defaults, prepares its layer over the image and says so", async () => {
    await using bed = await containerTestbed();
    const rec = await createContainer(bed.parts, { name: "/web", image: "test", labels: { a: "b" } });
    expect(rec).toMatchObject({ name: "web", createdAt: "2024-05-01T00:00:00.000Z", anonymousVolumes: [] });
    expect(rec.state.status).toBe("created");
    expect(bed.deps.store.get("web").id).toBe(rec.id);
    expect(bed.journal.calls).toEqual([`images ensureSnapshots ${bed.image.id}`, `layers prepare ${rec.id} chain-0`]);
    expect(bed.events).toEqual([`create ${rec.id}`]);
    expect(bed.eventLog[0]?.attributes).toEqual({ a: "b", name: "web", image: "test" });
  });

  it("generates a name when none is given", async () => {
    await using bed = await containerTestbed();
    const rec = await createContainer(bed.parts, { image: "test" });
    expect(rec.name).toMatch(/^[a-z]+_[a-z]+$/);
  });

  it("gives nameless volume mounts and uncovered image VOLUMEs anonymous volumes", async () => {
    await using bed = await containerTestbed({ image: testImage({ Volumes: { "/data": {}, "/covered": {} } }) });
    const rec = await createContainer(bed.parts, {
      image: "test",
      mounts: [{ type: "volume", target: "/cache" }, { type: "bind", source: "/host", target: "/covered" }],
    });
    expect(rec.anonymousVolumes).toHaveLength(2);
    expect(rec.config.mounts).toEqual([
      { type: "volume", target: "/cache", name: rec.anonymousVolumes[0] },
      { type: "bind", source: "/host", target: "/covered" },
      { type: "volume", target: "/data", name: rec.anonymousVolumes[1] },
    ]);
  });

  it("leaves nothing behind when the layer cannot be prepared", async () => {
    await using bed = await containerTestbed({ image: testImage({ Volumes: { "/data": {} } }) });
    bed.journal.failOn("layers.prepare");
    await expect(createContainer(bed.parts, { name: "web", image: "test" })).rejects.toThrow("layers.prepare failed");
    expect(bed.deps.store.list()).toEqual([]);
    expect(bed.volumes.list()).toEqual([]);
    expect(bed.events).toEqual([]);
  });

  it("refuses an unknown image, a taken name and init without tini, creating nothing", async () => {
    await using bed = await containerTestbed();
    await expect(createContainer(bed.parts, { image: "other" })).rejects.toMatchObject({ kind: "NotFound" });
    await createContainer(bed.parts, { name: "taken", image: "test" });
    await expect(createContainer(bed.parts, { name: "taken", image: "test" })).rejects.toMatchObject({ kind: "Conflict" });
    await expect(createContainer(bed.parts, { image: "test", init: true, mounts: [{ type: "volume", target: "/v" }] })).rejects.toMatchObject({
      kind: "FailedPrecondition",
    });
    expect(bed.deps.store.list()).toHaveLength(1);
    expect(bed.volumes.list()).toEqual([]);
  });
});

describe("containerConfig", () => {
  it("fills Docker's defaults and keeps only the networking keys given", () => {
    expect(containerConfig({ image: "img" }, "sha256:x", [])).toEqual({
      image: "img",
      imageId: "sha256:x",
      labels: {},
      options: {},
      init: false,
      mounts: [],
      networking: { mode: { kind: "bridge" }, networks: {}, portBindings: [], exposedPorts: [] },
      restartPolicy: { name: "no" },
      log: {},
      autoRemove: false,
    });
    const c = containerConfig({ image: "img", networking: { dns: ["1.1.1.1"], publishAllPorts: true }, stopTimeoutSeconds: 0, restartPolicy: { name: "always" } }, "sha256:x", []);
    expect(c.networking).toMatchObject({ dns: ["1.1.1.1"], publishAllPorts: true });
    expect(c.stopTimeoutSeconds).toBe(0);
    expect(c.restartPolicy).toEqual({ name: "always" });
  });
});
