import { describe, expect, it } from "vitest";
import { applyTaggedPaths, mergeResource, mergeTrees } from "./merge.ts";
import { PositionIndex } from "./positions.ts";
import { parseComposeYaml } from "./yaml-parse.ts";

function mergeYaml(...texts: string[]) {
  const positions = new PositionIndex();
  let acc: Record<string, unknown> = {};
  texts.forEach((t, i) => {
    for (const doc of parseComposeYaml(t, `/p/f${i}.yaml`, positions)) {
      applyTaggedPaths(acc, doc.tagged);
      acc = mergeTrees(acc, doc.tree, positions);
    }
  });
  return { tree: acc, positions };
}
const svc = (tree: Record<string, unknown>, name = "web") =>
  (tree["services"] as Record<string, Record<string, unknown>>)[name];

describe("mergeTrees", () => {
  it("merges mappings, replaces scalars, keeps positions of the winning side", () => {
    const { tree, positions } = mergeYaml(
      "services:\n  web:\n    image: a\n    restart: always\n",
      "services:\n  web:\n    image: b\n  db:\n    image: c\n",
    );
    expect(tree).toEqual({ services: { web: { image: "b", restart: "always" }, db: { image: "c" } } });
    expect(positions.lookup(tree, ["services", "web", "image"])?.file).toBe("/p/f1.yaml");
    expect(positions.lookup(tree, ["services", "web", "restart"])?.file).toBe("/p/f0.yaml");
  });

  it("replaces command/entrypoint and healthcheck.test instead of concatenating", () => {
    const { tree } = mergeYaml(
      "services:\n  web:\n    command: [a, b]\n    entrypoint: [x]\n    healthcheck: {test: [CMD, a]}\n",
      "services:\n  web:\n    command: [c]\n    entrypoint: y\n    healthcheck: {test: [CMD, b]}\n",
    );
    expect(svc(tree)).toEqual({ command: ["c"], entrypoint: "y", healthcheck: { test: ["CMD", "b"] } });
  });

  it("merges environment and labels across list and mapping syntax, last value wins", () => {
    const { tree } = mergeYaml(
      "services:\n  web:\n    environment:\n      - A=1\n      - B=2\n    labels: {x: '1'}\n",
      "services:\n  web:\n    environment:\n      B: 3\n      C: null\n    labels: [x=2, y=3]\n",
    );
    expect(svc(tree)).toEqual({ environment: ["A=1", "B=3", "C"], labels: ["x=2", "y=3"] });
  });

  it("de-duplicates ports, volumes by target, secrets, expose and dns", () => {
    const { tree } = mergeYaml(
      "services:\n  web:\n    ports: ['8080:80', '9090:90']\n    volumes: ['./a:/data', 'logs:/logs']\n    secrets: [s1]\n    expose: [80]\n    dns: 8.8.8.8\n",
      "services:\n  web:\n    ports: ['8080:80', '7070:70']\n    volumes: [{type: bind, source: ./b, target: /data}]\n    secrets: [{source: s1, target: /run/secrets/s1, mode: 0400}]\n    expose: ['80', 81]\n    dns: [1.1.1.1]\n",
    );
    expect(svc(tree)).toEqual({
      ports: ["8080:80", "9090:90", "7070:70"],
      volumes: [{ type: "bind", source: "./b", target: "/data" }, "logs:/logs"],
      secrets: [{ source: "s1", target: "/run/secrets/s1", mode: 256 }],
      expose: ["80", 81],
      dns: ["8.8.8.8", "1.1.1.1"],
    });
  });

  it("concatenates other sequences and merges depends_on / networks across syntaxes", () => {
    const { tree } = mergeYaml(
      "services:\n  web:\n    cap_add: [A]\n    depends_on: [db]\n    networks: [front]\n    build: ./dir\n",
      "services:\n  web:\n    cap_add: [B, A]\n    depends_on:\n      cache: {condition: service_healthy}\n    networks:\n      back: {aliases: [x]}\n    build: {dockerfile: D}\n",
    );
    expect(svc(tree)).toEqual({
      cap_add: ["A", "B"],
      depends_on: {
        db: { condition: "service_started", required: true },
        cache: { condition: "service_healthy" },
      },
      networks: { front: null, back: { aliases: ["x"] } },
      build: { context: "./dir", dockerfile: "D" },
    });
  });

  it("merges logging options only for the same driver", () => {
    const same = mergeYaml(
      "services:\n  web:\n    logging: {driver: json-file, options: {a: '1'}}\n",
      "services:\n  web:\n    logging: {options: {b: '2'}}\n",
    ).tree;
    expect(svc(same)!["logging"]).toEqual({ driver: "json-file", options: { a: "1", b: "2" } });
    const other = mergeYaml(
      "services:\n  web:\n    logging: {driver: json-file, options: {a: '1'}}\n",
      "services:\n  web:\n    logging: {driver: syslog, options: {b: '2'}}\n",
    ).tree;
    expect(svc(other)!["logging"]).toEqual({ driver: "syslog", options: { b: "2" } });
  });

  it("honours !reset and !override of the later file", () => {
    const { tree } = mergeYaml(
      "services:\n  web:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n",
      "services:\n  web:\n    ports: !reset []\n    environment: !override\n      C: '3'\n",
    );
    expect(svc(tree)).toEqual({ image: "a", environment: { C: "3" } });
  });

  it("rejects overriding a mapping with a scalar", () => {
    expect(() => mergeYaml("x-a:\n  k: 1\n", "x-a: str\n")).toThrow(/f1\.yaml:1:1: x-a: cannot override/);
  });

  it("merges IPAM pools by subnet", () => {
    const { tree } = mergeYaml(
      "networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          gateway: 10.0.0.1\n",
      "networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          ip_range: 10.0.0.0/25\n        - subnet: 10.1.0.0/24\n",
    );
    expect((tree["networks"] as Record<string, { ipam: unknown }>)["n"]!.ipam).toEqual({
      config: [{ subnet: "10.0.0.0/24", gateway: "10.0.0.1", ip_range: "10.0.0.0/25" }, { subnet: "10.1.0.0/24" }],
    });
  });
});

describe("mergeResource", () => {
  it("applies service rules at a service path", () => {
    const positions = new PositionIndex();
    const merged = mergeResource(
      { image: "a", volumes: ["/x:/data"], command: ["a"] },
      { volumes: ["/y:/data"], command: "b" },
      ["services", "s"],
      positions,
    );
    expect(merged).toEqual({ image: "a", volumes: ["/y:/data"], command: "b" });
  });
});
