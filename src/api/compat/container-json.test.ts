import { describe, it, expect } from "vitest";
import { initialState, type ContainerRecord } from "../../runtime/containers/container-record.ts";
import { containerInspectJson, containerListJson } from "./container-json.ts";
import { humanDuration, statusText } from "./status-text.ts";

const base: ContainerRecord = {
  id: "a".repeat(64),
  name: "web",
  createdAt: "2025-01-01T00:00:00.000Z",
  config: {
    image: "busybox",
    imageId: "sha256:" + "b".repeat(64),
    labels: { app: "x" },
    options: { cmd: ["httpd", "-f"] },
    init: false,
    mounts: [{ type: "volume", name: "data", target: "/data" }],
    networking: { mode: { kind: "bridge" }, networks: {}, portBindings: [{ containerPort: 80, protocol: "tcp", hostPort: 8080 }], exposedPorts: [] },
    restartPolicy: { name: "no" },
    log: {},
    autoRemove: false,
  },
  state: initialState(),
  anonymousVolumes: [],
};

const running: ContainerRecord = {
  ...base,
  state: {
    ...initialState(),
    status: "running",
    pid: 42,
    startedAt: "2025-01-01T00:00:10.000Z",
    endpoints: [{ network: "n".repeat(64), networkName: "bridge", ip: "172.17.0.2", prefixLen: 16, gateway: "172.17.0.1", mac: "02:42:ac:11:00:02", aliases: [] }],
    ports: [{ containerPort: 80, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 8080 }],
    health: { status: "healthy", failingStreak: 0, log: [] },
  },
};

const ctx = {
  now: new Date("2025-01-01T00:00:13.000Z"),
  image: { Env: ["PATH=/bin"], Entrypoint: null, Cmd: ["sh"], Labels: { img: "1" }, ExposedPorts: { "443/tcp": {} } },
  networkId: (n: string) => `id-of-${n}`,
  volumeSource: (n: string) => `/vols/${n}/_data`,
};

describe("container JSON", () => {
  it("renders a running container for docker ps", () => {
    const j = containerListJson(running, ctx);
    expect(j).toMatchObject({
      Id: running.id,
      Names: ["/web"],
      Image: "busybox",
      Command: "httpd -f",
      Created: 1735689600,
      State: "running",
      Status: "Up 3 seconds (healthy)",
      Labels: { img: "1", app: "x" },
      HostConfig: { NetworkMode: "bridge" },
    });
    expect(j.Ports).toEqual([{ IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" }, { PrivatePort: 443, Type: "tcp" }]);
    expect(j.NetworkSettings.Networks["bridge"]).toMatchObject({ IPAddress: "172.17.0.2", Gateway: "172.17.0.1", IPPrefixLen: 16, NetworkID: "n".repeat(64) });
    expect(j.Mounts).toEqual([{ Type: "volume", Name: "data", Source: "/vols/data/_data", Destination: "/data", Driver: "local", Mode: "z", RW: true, Propagation: "" }]);
  });

  it("renders inspect with state, merged config, ports and networks", () => {
    const j = containerInspectJson(running, ctx);
    expect(j.Name).toBe("/web");
    expect(j.State).toMatchObject({ Status: "running", Running: true, Paused: false, Pid: 42, ExitCode: 0, Health: { Status: "healthy", FailingStreak: 0, Log: [] } });
    expect(j.Config).toMatchObject({ Cmd: ["httpd", "-f"], Entrypoint: null, Env: ["PATH=/bin"], Hostname: "aaaaaaaaaaaa", ExposedPorts: { "443/tcp": {}, "80/tcp": {} } });
    expect(j.Path).toBe("httpd");
    expect(j.Args).toEqual(["-f"]);
    expect(j.NetworkSettings.Ports).toEqual({ "443/tcp": null, "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] });
    expect(j.NetworkSettings.IPAddress).toBe("172.17.0.2");
    expect(j.HostConfig.PortBindings).toEqual({ "80/tcp": [{ HostIp: "", HostPort: "8080" }] });
    expect(j.HostConfig.Binds).toEqual(["data:/data"]);
  });

  it("shows configured networks of a container that is not running, without addresses", () => {
    const j = containerInspectJson({ ...base, config: { ...base.config, networking: { ...base.config.networking, networks: { proj: { aliases: ["db"] } } } } }, ctx);
    expect(j.NetworkSettings.Networks).toEqual({ proj: expect.objectContaining({ NetworkID: "id-of-proj", IPAddress: "", Aliases: ["db"] }) });
    expect(j.State.Running).toBe(false);
  });

  it("writes Docker's status texts and durations", () => {
    const now = new Date("2025-01-01T01:00:00Z");
    expect(statusText({ ...base, state: { ...initialState(), status: "exited", exitCode: 3, finishedAt: "2025-01-01T00:58:00Z" } }, now)).toBe("Exited (3) 2 minutes ago");
    expect(statusText(base, now)).toBe("Created");
    expect(statusText({ ...running, state: { ...running.state, status: "paused" } }, now)).toBe("Up 59 minutes (Paused)");
    expect(humanDuration(500)).toBe("Less than a second");
    expect(humanDuration(61_000)).toBe("About a minute");
    expect(humanDuration(3 * 86400_000)).toBe("3 days");
  });
});
