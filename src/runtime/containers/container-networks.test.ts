import { describe, expect, it } from "vitest";
import { connectContainer, connectedNetworking, disconnectContainer, disconnectedNetworking } from "./container-networks.ts";
import { initialState, type ContainerRecord, type NetworkModeRequest } from "./container-record.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const A = "a".repeat(64);

function rec(mode: NetworkModeRequest, networks: Record<string, object> = {}, status: ContainerRecord["state"]["status"] = "created"): ContainerRecord {
  return {
    id: A,
    name: "web",
    createdAt: "",
    config: {
      image: "i",
      imageId: "sha256:i",
      labels: {},
      options: {},
      init: false,
      mounts: [],
      networking: { mode, networks, portBindings: [], exposedPorts: [] },
      restartPolicy: { name: "no" },
      log: {},
      autoRemove: false,
    },
    state: { ...initialState(), status },
    anonymousVolumes: [],
  };
}

describe("connectedNetworking / disconnectedNetworking", () => {
  it("keeps a bridge container on the default network when it joins another", () => {
    expect(connectedNetworking(rec({ kind: "bridge" }), "back", { aliases: ["db"] }).networks).toEqual({ bridge: {}, back: { aliases: ["db"] } });
    expect(connectedNetworking(rec({ kind: "bridge" }, { front: {} }), "back", {}).networks).toEqual({ front: {}, back: {} });
  });

  it("refuses host and shared namespaces, and a network joined already", () => {
    expect(() => connectedNetworking(rec({ kind: "host" }), "back", {})).toThrow(/network mode host/);
    expect(() => connectedNetworking(rec({ kind: "container", container: "x" }), "back", {})).toThrow(/network mode container/);
    expect(() => connectedNetworking(rec({ kind: "bridge" }), "bridge", {})).toThrow(/already connected/);
    expect(() => connectedNetworking(rec({ kind: "none" }, {}, "running"), "back", {})).toThrow(/network mode none/);
    expect(connectedNetworking(rec({ kind: "none" }), "back", {}).mode).toEqual({ kind: "bridge" });
  });

  it("leaves a container on no network with none at all", () => {
    expect(disconnectedNetworking(rec({ kind: "bridge" }), "bridge")).toMatchObject({ mode: { kind: "none" }, networks: {} });
    expect(disconnectedNetworking(rec({ kind: "bridge" }, { a: {}, b: {} }), "a")).toMatchObject({ mode: { kind: "bridge" }, networks: { b: {} } });
    expect(() => disconnectedNetworking(rec({ kind: "bridge" }, { a: {} }), "b")).toThrow(/not connected/);
  });
});

describe("connectContainer / disconnectContainer", () => {
  it("attaches a running container at once and records its endpoint; a stopped one only in its config", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "running", pid: 3 });
    await connectContainer(bed.parts, A, "back", { aliases: ["db"] });
    expect(bed.journal.calls).toEqual(["network name back", "network connect name-aaaa back"]);
    const r = bed.deps.store.get(A);
    expect(r.config.networking.networks).toEqual({ bridge: {}, back: { aliases: ["db"] } });
    expect(r.state.endpoints.map((e) => e.networkName)).toEqual(["back"]);
    await disconnectContainer(bed.parts, A, "back");
    expect(bed.deps.store.get(A).state.endpoints).toEqual([]);
    expect(bed.events).toEqual([`network connect back`, `network disconnect back`]);

    await bed.addRecord("b".repeat(64));
    bed.journal.calls.length = 0;
    await connectContainer(bed.parts, "b".repeat(64), "back");
    expect(bed.journal.calls).toEqual(["network name back"]);
  });

  it("answers a mode conflict before looking the network up", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, {}, { networking: { mode: { kind: "host" }, networks: {}, portBindings: [], exposedPorts: [] } });
    bed.journal.failOn("network.networkName", new Error("no such network"));
    await expect(connectContainer(bed.parts, A, "nope")).rejects.toMatchObject({ kind: "Conflict" });
  });
});
