import { describe, expect, it } from "vitest";
import { LABEL } from "../labels/index.ts";
import { configHash } from "../model/index.ts";
import { projectFromYaml } from "./test-fixtures.ts";
import { serviceToCreateOptions } from "./service-to-create.ts";

const FULL = `
services:
  app:
    image: example/app:2
    command: ["serve", "--port", "80"]
    entrypoint: /init
    environment: {B: "2", A: "1", UNSET: null}
    labels: {team: core}
    ports: ["127.0.0.1:8080:80", "53:53/udp", "9000"]
    expose: ["3000", "4000-4001/udp"]
    volumes:
      - ./data:/data:ro
      - cache:/cache
      - /anon
      - {type: tmpfs, target: /scratch, tmpfs: {size: 1m, mode: 0o1777}}
    networks:
      front: {aliases: [api], ipv4_address: 172.20.0.5}
      back: {priority: 10}
    restart: on-failure:3
    healthcheck: {test: "curl -f localhost", interval: 10s, timeout: 2s, retries: 3, start_period: 1s}
    mem_limit: 256m
    cpus: 0.5
    pids_limit: 100
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    privileged: true
    read_only: true
    init: true
    user: "1000:1000"
    working_dir: /srv
    hostname: app-host
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    tmpfs: ["/run:size=64k", /tmp]
    shm_size: 64m
    sysctls: {net.core.somaxconn: "1024"}
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
    extra_hosts: ["somehost=162.242.195.82"]
    dns: [1.1.1.1]
    dns_search: [example.com]
    tty: true
    stdin_open: true
    logging: {driver: json-file, options: {max-size: 10m}}
    secrets: [token, {source: cert, target: tls.pem}]
    configs: [{source: conf, target: /etc/app.conf}, plain]
networks:
  front: {}
  back: {name: shared-back}
volumes:
  cache: {}
secrets:
  token: {file: ./token.txt}
  cert: {file: /certs/c.pem}
configs:
  conf: {file: ./app.conf}
  plain: {content: "x=1"}
`;

describe("serviceToCreateOptions", () => {
  const project = projectFromYaml(FULL);
  const app = project.services.app!;
  const { name, body, warnings } = serviceToCreateOptions(project, app, 2, { imageId: "sha256:img" });

  it("names the container and writes the ownership labels", () => {
    expect(name).toBe("demo-app-2");
    expect(body.Labels).toMatchObject({ team: "core", [LABEL.project]: "demo", [LABEL.service]: "app", [LABEL.containerNumber]: "2", [LABEL.image]: "sha256:img" });
    expect(body.Labels[LABEL.configHash]).toBe(configHash(app));
  });

  it("process: image, command, entrypoint, sorted env without unresolved names, user, workdir, tty", () => {
    expect(body).toMatchObject({
      Image: "example/app:2",
      Cmd: ["serve", "--port", "80"],
      Entrypoint: ["/init"],
      Env: ["A=1", "B=2"],
      User: "1000:1000",
      WorkingDir: "/srv",
      Hostname: "app-host",
      Tty: true,
      OpenStdin: true,
      StopSignal: "SIGINT",
      StopTimeout: 90,
    });
    expect(serviceToCreateOptions(project, app, 1, { environment: { X: "y" } }).body.Env).toEqual(["X=y"]);
  });

  it("ports: exposed ports and bindings, host IP and random ports", () => {
    expect(body.ExposedPorts).toEqual({ "80/tcp": {}, "53/udp": {}, "9000/tcp": {}, "3000/tcp": {}, "4000/udp": {}, "4001/udp": {} });
    expect(body.HostConfig.PortBindings).toEqual({
      "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
      "53/udp": [{ HostPort: "53" }],
      "9000/tcp": [{ HostPort: "" }],
    });
  });

  it("mounts: bind, named volume by engine name, anonymous volume, tmpfs, secrets and file configs", () => {
    expect(body.HostConfig.Mounts).toEqual([
      { Type: "bind", Source: "/srv/demo/data", Target: "/data", ReadOnly: true, BindOptions: { CreateMountpoint: true } },
      { Type: "volume", Source: "demo_cache", Target: "/cache" },
      { Type: "volume", Target: "/anon" },
      { Type: "tmpfs", Target: "/scratch", TmpfsOptions: { SizeBytes: 1024 * 1024, Mode: 0o1777 } },
      { Type: "bind", Source: "/srv/demo/token.txt", Target: "/run/secrets/token", ReadOnly: true },
      { Type: "bind", Source: "/certs/c.pem", Target: "/run/secrets/tls.pem", ReadOnly: true },
      { Type: "bind", Source: "/srv/demo/app.conf", Target: "/etc/app.conf", ReadOnly: true },
    ]);
    expect(body.HostConfig.Tmpfs).toEqual({ "/run": "size=64k", "/tmp": "" });
    expect(warnings).toEqual(["service app: config plain is not file-based; only file configs are mounted"]);
  });

  it("networks: primary by priority, aliases with container and service name, static IP", () => {
    expect(body.HostConfig.NetworkMode).toBe("shared-back");
    expect(body.NetworkingConfig?.EndpointsConfig).toEqual({
      "shared-back": { Aliases: ["demo-app-2", "app"] },
      demo_front: { Aliases: ["demo-app-2", "app", "api"], IPAMConfig: { IPv4Address: "172.20.0.5" } },
    });
    expect(Object.keys(body.NetworkingConfig!.EndpointsConfig)[0]).toBe("shared-back");
  });

  it("host config: restart, healthcheck in ns, resources, security, kernel settings, logging", () => {
    expect(body.HostConfig.RestartPolicy).toEqual({ Name: "on-failure", MaximumRetryCount: 3 });
    expect(body.Healthcheck).toEqual({ Test: ["CMD-SHELL", "curl -f localhost"], Interval: 10e9, Timeout: 2e9, Retries: 3, StartPeriod: 1e9 });
    expect(body.HostConfig).toMatchObject({
      Memory: 256 * 1024 * 1024,
      NanoCpus: 500_000_000,
      PidsLimit: 100,
      CapAdd: ["NET_ADMIN"],
      CapDrop: ["ALL"],
      Privileged: true,
      ReadonlyRootfs: true,
      Init: true,
      ShmSize: 64 * 1024 * 1024,
      Sysctls: { "net.core.somaxconn": "1024" },
      Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }, { Name: "nproc", Soft: 512, Hard: 512 }],
      ExtraHosts: ["somehost:162.242.195.82"],
      Dns: ["1.1.1.1"],
      DnsSearch: ["example.com"],
      LogConfig: { Type: "json-file", Config: { "max-size": "10m" } },
    });
  });

  it("deploy limits apply when the service-level settings are absent; deploy restart_policy maps", () => {
    const p = projectFromYaml(`services:\n  w:\n    image: x\n    deploy:\n      resources: {limits: {cpus: "1.5", memory: 1g, pids: 7}, reservations: {memory: 10m}}\n      restart_policy: {condition: any}\n`);
    const b = serviceToCreateOptions(p, p.services.w!, 1).body;
    expect(b.HostConfig).toMatchObject({ NanoCpus: 1_500_000_000, Memory: 1024 ** 3, PidsLimit: 7, MemoryReservation: 10 * 1024 ** 2, RestartPolicy: { Name: "always" } });
  });

  it("shared namespaces and volumes_from point at the other service's first container by name", () => {
    const p = projectFromYaml(`services:\n  vpn: {image: x, container_name: the-vpn}\n  app:\n    image: y\n    network_mode: "service:vpn"\n    ipc: "service:vpn"\n    volumes_from: ["vpn:ro", "container:other"]\n`);
    const b = serviceToCreateOptions(p, p.services.app!, 1).body;
    expect(b.HostConfig.NetworkMode).toBe("container:the-vpn");
    expect(b.HostConfig.IpcMode).toBe("container:the-vpn");
    expect(b.HostConfig.VolumesFrom).toEqual(["the-vpn:ro", "other"]);
    expect(b.NetworkingConfig).toBeUndefined();
  });

  it("a minimal service produces a minimal body", () => {
    const p = projectFromYaml(`services:\n  w: {image: x}\n`);
    const b = serviceToCreateOptions(p, p.services.w!, 1).body;
    expect({ ...b, Labels: undefined }).toEqual({
      Image: "x",
      AttachStdout: true,
      AttachStderr: true,
      Labels: undefined,
      HostConfig: { NetworkMode: "demo_default", RestartPolicy: { Name: "no" } },
      NetworkingConfig: { EndpointsConfig: { demo_default: { Aliases: ["demo-w-1", "w"] } } },
    });
  });
});
