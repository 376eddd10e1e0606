import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { treeFromYaml } from "../validate/test-tree.ts";
import { configHash } from "./config-hash.ts";
import { normalize } from "./normalize-project.ts";
import type { ServiceConfig } from "./types.ts";

const project = (yaml: string, opts: { profiles?: string[]; services?: string[] } = {}) =>
  normalize(treeFromYaml(`name: demo\n${yaml}`, { file: "/srv/app/compose.yaml", environment: { HOME: "/home/u" } }), opts);
const svc = (yaml: string, name = "web"): ServiceConfig => {
  const s = project(yaml).services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

describe("normalize: short syntaxes become long ones", () => {
  it("ports", () => {
    const s = svc(`services:\n  web:\n    image: x\n    ports: ["127.0.0.1:8080:80/udp", "9000-9001:9000-9001", 80]`);
    expect(s.ports).toEqual([
      { target: 80, published: "8080", host_ip: "127.0.0.1", protocol: "udp", mode: "ingress" },
      { target: 9000, published: "9000", protocol: "tcp", mode: "ingress" },
      { target: 9001, published: "9001", protocol: "tcp", mode: "ingress" },
      { target: 80, protocol: "tcp", mode: "ingress" },
    ]);
  });
  it("volumes: relative and home paths become absolute, named volumes stay names", () => {
    const s = svc(`services:\n  web:\n    image: x\n    volumes: ["./data:/data:ro", "~/cache:/cache", "named:/x", {type: tmpfs, target: /t, tmpfs: {size: 64m}}, {type: bind, source: ./src, target: /src}]\nvolumes:\n  named: {}`);
    expect(s.volumes).toEqual([
      { type: "bind", source: "/srv/app/data", target: "/data", read_only: true, bind: { create_host_path: true } },
      { type: "bind", source: "/home/u/cache", target: "/cache", read_only: false, bind: { create_host_path: true } },
      { type: "volume", source: "named", target: "/x", read_only: false, volume: { nocopy: false } },
      { type: "tmpfs", target: "/t", read_only: false, tmpfs: { size: 64 * 1024 ** 2 } },
      { type: "bind", source: "/srv/app/src", target: "/src", read_only: false, bind: { create_host_path: false } },
    ]);
  });
  it("depends_on list becomes a map with defaults", () => {
    const p = project(`services:\n  web: {image: x, depends_on: [db]}\n  db: {image: y}`);
    expect(p.services.web?.depends_on).toEqual({ db: { condition: "service_started", required: true, restart: false } });
  });
  it("environment list and map; a bare name takes its value from the environment", () => {
    expect(svc(`services:\n  web: {image: x, environment: [A=1, B, C=x=y]}`).environment).toEqual({ A: "1", B: null, C: "x=y" });
    expect(svc(`services:\n  web: {image: x, environment: {A: 1, B: null, C: true}}`).environment).toEqual({ A: "1", B: null, C: "true" });
  });
  it("env_file entries", () => {
    expect(svc(`services:\n  web: {image: x, env_file: [a.env, {path: /b.env, required: false}]}`).env_file).toEqual([
      { path: "/srv/app/a.env", required: true },
      { path: "/b.env", required: false },
    ]);
    expect(svc(`services:\n  web: {image: x, env_file: a.env}`).env_file).toEqual([{ path: "/srv/app/a.env", required: true }]);
  });
  it("labels list", () => {
    expect(svc(`services:\n  web: {image: x, labels: [a=b, c]}`).labels).toEqual({ a: "b", c: "" });
  });
  it("healthcheck durations in nanoseconds; test string becomes CMD-SHELL", () => {
    const s = svc(`services:\n  web:\n    image: x\n    healthcheck: {test: "curl -f http://x", interval: 1m30s, timeout: 10s, retries: "3", start_period: 500ms}`);
    expect(s.healthcheck).toEqual({ test: ["CMD-SHELL", "curl -f http://x"], interval_ns: 90e9, timeout_ns: 10e9, retries: 3, start_period_ns: 500e6 });
    expect(svc(`services:\n  web: {image: x, healthcheck: {disable: true}}`).healthcheck?.test).toEqual(["NONE"]);
  });
  it("scale from deploy.replicas or scale, default 1", () => {
    expect(svc(`services:\n  web: {image: x, deploy: {replicas: 3}}`).scale).toBe(3);
    expect(svc(`services:\n  web: {image: x, scale: "2"}`).scale).toBe(2);
    expect(svc(`services:\n  web: {image: x}`).scale).toBe(1);
  });
  it("build string becomes a context", () => {
    const b = svc(`services:\n  web: {build: ./app}`).build;
    expect(b?.context).toBe("/srv/app/app");
    expect(b?.dockerfile).toBe("Dockerfile");
    expect(svc(`services:\n  web: {build: {context: "https://github.com/x/y.git"}}`).build?.context).toBe("https://github.com/x/y.git");
  });
  it("networks: list to map, default network added, none with network_mode", () => {
    const p = project(`services:\n  web: {image: x, networks: [front]}\n  db: {image: y}\n  side: {image: z, network_mode: host}\nnetworks:\n  front: {}`);
    expect(p.services.web?.networks).toEqual({ front: { aliases: [], priority: 0 } });
    expect(p.services.db?.networks).toEqual({ default: { aliases: [], priority: 0 } });
    expect(p.services.side?.networks).toEqual({});
    expect(p.networks.default?.name).toBe("demo_default");
    expect(p.networks.front?.name).toBe("demo_front");
  });
  it("command strings are split like a shell would", () => {
    expect(svc(`services:\n  web: {image: x, command: "sh -c 'echo hi'"}`).command).toEqual(["sh", "-c", "echo hi"]);
  });
  it("top-level names: project-prefixed unless external or named", () => {
    const p = project(`services:\n  web: {image: x}\nvolumes:\n  a: {}\n  b: {external: true}\n  c: {name: exact}\n  d: {external: {name: legacy}}\nsecrets:\n  s: {file: ./s.txt}`);
    expect(Object.fromEntries(Object.entries(p.volumes).map(([k, v]) => [k, [v.name, v.external]]))).toEqual({
      a: ["demo_a", false],
      b: ["b", true],
      c: ["exact", false],
      d: ["legacy", true],
    });
    expect(p.secrets.s?.file).toBe("/srv/app/s.txt");
  });
  it("develop.watch rules: absolute paths, lists for single patterns, the exec hook", () => {
    const s = svc(
      `services:\n  web:\n    build: .\n    develop:\n      watch:\n        - {path: ./src, action: sync+exec, target: /app/src, ignore: node_modules/, initial_sync: "true", exec: {command: app reload, user: app, environment: [A=1]}}\n        - {path: package.json, action: rebuild, include: "*.json"}`,
    );
    expect(s.develop?.watch).toEqual([
      {
        path: "/srv/app/src", action: "sync+exec", target: "/app/src", ignore: ["node_modules/"], include: [], initial_sync: true,
        exec: { command: ["app", "reload"], user: "app", privileged: false, environment: { A: "1" } },
      },
      { path: "/srv/app/package.json", action: "rebuild", ignore: [], include: ["*.json"], initial_sync: false },
    ]);
  });
  it("defaults are written in", () => {
    const s = svc(`services:\n  web: {image: x}`);
    expect(s).toMatchObject({ privileged: false, read_only: false, tty: false, stdin_open: false, restart: "no", environment: {}, ports: [] });
  });
});

describe("profiles", () => {
  const yaml = `services:\n  web: {image: x}\n  debug: {image: y, profiles: [dev]}\n  tool: {image: z, profiles: [ops], depends_on: [helper]}\n  helper: {image: h, profiles: [never]}`;
  it("services with profiles are inactive unless a profile is enabled", () => {
    const p = project(yaml);
    expect(Object.keys(p.services)).toEqual(["web"]);
    expect(p.disabled_services).toEqual(["debug", "tool", "helper"]);
    expect(Object.keys(project(yaml, { profiles: ["dev"] }).services).sort()).toEqual(["debug", "web"]);
  });
  it("explicitly named services are enabled along with their dependencies", () => {
    expect(Object.keys(project(yaml, { services: ["tool"] }).services).sort()).toEqual(["helper", "tool"]);
  });
});

describe("configHash", () => {
  const hashOf = (yaml: string) => configHash(svc(yaml));
  const base = `services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n    environment: [A=1, B=2]\n    depends_on: [db]\n  db: {image: postgres}`;

  it("is pinned (a change of algorithm must be deliberate)", () => {
    expect(hashOf(base)).toBe(PINNED_BASE);
    expect(hashOf(`services:\n  web: {image: busybox}`)).toBe(PINNED_MINIMAL);
  });
  it("hashes exactly the canonical JSON of the service minus the excluded fields", () => {
    const json =
      '{"annotations":{},"cap_add":[],"cap_drop":[],"configs":[],"devices":[],"dns":[],"dns_opt":[],"dns_search":[],' +
      '"env_file":[],"environment":{},"expose":[],"external_links":[],"extra_hosts":[],"group_add":[],"image":"busybox",' +
      '"labels":{},"links":[],"networks":{"default":{"aliases":[],"priority":0}},"other":{},"ports":[],"post_start":[],' +
      '"pre_stop":[],"privileged":false,"read_only":false,"restart":"no","secrets":[],"security_opt":[],"stdin_open":false,' +
      '"sysctls":{},"tmpfs":[],"tty":false,"ulimits":{},"volumes":[],"volumes_from":[]}';
    expect(createHash("sha256").update(json).digest("hex")).toBe(PINNED_MINIMAL);
  });
  it("is stable across key order", () => {
    expect(hashOf(`services:\n  db: {image: postgres}\n  web:\n    depends_on: [db]\n    environment: [A=1, B=2]\n    ports: ["8080:80"]\n    image: nginx:1.27`)).toBe(hashOf(base));
  });
  it("is the same with defaults written or omitted", () => {
    expect(hashOf(`${base}\n    privileged: false\n    restart: "no"\n    read_only: false`.replace("  db: {image: postgres}\n", "") + `\n  db: {image: postgres}`)).toBe(hashOf(base));
  });
  it("is the same for equivalent short and long syntaxes", () => {
    const long = `services:\n  web:\n    image: nginx:1.27\n    ports: [{target: 80, published: "8080", protocol: tcp, mode: ingress}]\n    environment: {B: "2", A: 1}\n    depends_on: {db: {condition: service_healthy}}\n  db: {image: postgres}`;
    expect(hashOf(long)).toBe(hashOf(base));
  });
  it("ignores build, pull_policy, scale/replicas, depends_on and profiles", () => {
    const min = hashOf(`services:\n  web: {image: busybox}`);
    expect(hashOf(`services:\n  web: {image: busybox, build: ., pull_policy: always, scale: 3}`)).toBe(min);
    const profiled = project(`services:\n  web: {image: busybox, profiles: [a]}`, { profiles: ["a"] }).services.web;
    expect(profiled && configHash(profiled)).toBe(min);
    expect(hashOf(`services:\n  web: {image: busybox, deploy: {replicas: 4}}`)).toBe(hashOf(`services:\n  web: {image: busybox, deploy: {}}`));
  });
  it("changes when the configuration changes", () => {
    expect(hashOf(base.replace("8080:80", "8081:80"))).not.toBe(hashOf(base));
    expect(hashOf(base.replace("A=1", "A=3"))).not.toBe(hashOf(base));
  });
});

const PINNED_BASE = "875cd4b33cc1c09eec4dce7afef817a42c1b38c46e1743e1e08c2597a5f5a8eb";
const PINNED_MINIMAL = "6f074e415656a30ac28047121957784d8734fe345ae90df2b311e80b534b2b66";
