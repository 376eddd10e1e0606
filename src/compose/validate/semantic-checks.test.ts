import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir, corpusPresent, describeCorpus } from "../../../test/support/shared-corpus.ts";
import { normalize } from "../model/index.ts";
import { ComposeValidationError, validateTree } from "./index.ts";
import { treeFromYaml } from "./test-tree.ts";

const check = (yaml: string, opts: { forWatch?: boolean } = {}) => validateTree(treeFromYaml(`name: t\n${yaml}`, { file: "/p/compose.yaml" }), opts);
const rejects = (yaml: string, opts: { forWatch?: boolean } = {}): ComposeValidationError => {
  try {
    check(yaml, opts);
  } catch (err) {
    if (err instanceof ComposeValidationError) return err;
    throw err;
  }
  throw new Error("expected a ComposeValidationError");
};

describe("semantic checks", () => {
  it("dependency cycles, including a service depending on itself", () => {
    const e = rejects(`services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, links: ["a:alias"]}`);
    expect(e.message).toMatch(/dependency cycle detected: a -> b -> a/);
    expect(rejects(`services:\n  a: {image: x, depends_on: [a]}`).message).toBe('/p/compose.yaml:3:30: services.a.depends_on[0]: service "a" depends on itself');
  });
  it("references to unknown services", () => {
    expect(rejects(`services:\n  a: {image: x, links: [nope]}`).path).toBe("services.a.links[0]");
    expect(rejects(`services:\n  a: {image: x, volumes_from: ["nope:ro"]}`).path).toBe("services.a.volumes_from[0]");
    expect(rejects(`services:\n  a: {image: x, ipc: "service:nope"}`).path).toBe("services.a.ipc");
    expect(rejects(`services:\n  a: {image: x, extends: nope}`).path).toBe("services.a.extends");
    expect(() => check(`services:\n  a: {image: x, volumes_from: ["container:other"], depends_on: {gone: {condition: service_started, required: false}}}`)).not.toThrow();
  });
  it("undefined networks, configs and models", () => {
    expect(rejects(`services:\n  a: {image: x, networks: [back]}`).message).toMatch(/undefined network back/);
    expect(rejects(`services:\n  a: {image: x, configs: [{source: c}]}`).message).toMatch(/undefined config c/);
    expect(() => check(`services:\n  a: {image: x, networks: [default]}`)).not.toThrow();
  });
  it("external networks cannot carry driver settings", () => {
    expect(rejects(`services: {}\nnetworks:\n  n: {external: "true", driver: bridge}`).path).toBe("networks.n.driver");
  });
  it("scale and replicas must agree and be non-negative, also as strings", () => {
    expect(rejects(`services:\n  a: {image: x, scale: 2, deploy: {replicas: 3}}`).message).toMatch(/distinct values/);
    expect(rejects(`services:\n  a: {image: x, scale: "-2"}`).path).toBe("services.a.scale");
  });
  it("bad short syntaxes", () => {
    expect(rejects(`services:\n  a: {image: x, ports: ["80800"]}`).path).toBe("services.a.ports[0]");
    expect(rejects(`services:\n  a: {image: x, tmpfs: ["/run:size=-1"]}`).path).toBe("services.a.tmpfs[0]");
    expect(rejects(`services:\n  a: {image: x, tmpfs: "relative"}`).path).toBe("services.a.tmpfs");
    expect(rejects(`services:\n  a: {image: x, expose: ["80/http"]}`).path).toBe("services.a.expose[0]");
  });
  it("secret and config references need a source; top-level ones need content", () => {
    expect(rejects(`services:\n  a: {image: x, secrets: [{target: /x}]}`).path).toBe("services.a.secrets[0]");
    expect(rejects(`services: {}\nconfigs:\n  c: {}`).path).toBe("configs.c");
    expect(() => check(`services: {}\nconfigs:\n  c: {content: hello}`)).not.toThrow();
  });
  it("watch rules: a target for syncs, a build section for rebuilds when watch is to run them", () => {
    expect(rejects(`services:\n  a: {image: x, develop: {watch: [{path: ., action: sync}]}}`).path).toBe("services.a.develop.watch[0]");
    const rebuildWithoutBuild = `services:\n  a:\n    image: x\n    develop:\n      watch:\n        - path: ./src\n          action: rebuild`;
    // compose-go loads such a file (compose-spec's develop/03.yaml is one); only watch refuses it.
    expect(() => check(rebuildWithoutBuild)).not.toThrow();
    expect(rejects(rebuildWithoutBuild, { forWatch: true }).message).toBe(
      '/p/compose.yaml:8:11: services.a.develop.watch[0].action: service "a" has no build section: a rebuild rule cannot rebuild it',
    );
    expect(() => check(`services:\n  a: {build: ., develop: {watch: [{path: ./src, action: rebuild}, {path: ./web, action: sync+restart, target: /app}]}}`)).not.toThrow();
  });
  it("mount options must match the mount type", () => {
    expect(rejects(`services:\n  a: {image: x, volumes: [{type: volume, source: v, target: /x, bind: {propagation: shared}}]}\nvolumes: {v: {}}`).path).toBe("services.a.volumes[0].bind");
  });
});

describe("schema errors are precise", () => {
  it("reports the deepest failing branch with its position", () => {
    const e = rejects(`services:\n  web:\n    image: x\n    ports:\n      - 80\n      - {target: 80, published: 8080, protocol: tcp, bogus: 1}`);
    expect(e.message).toBe('/p/compose.yaml:7:54: services.web.ports[1].bogus: additional property "bogus" is not allowed');
    expect(e.kind).toBe("InvalidArgument");
    expect([e.file, e.line, e.column]).toEqual(["/p/compose.yaml", 7, 54]);
  });
  it("accepts numbers and booleans as interpolated strings but not nonsense", () => {
    expect(() => check(`services:\n  a: {image: x, privileged: "true", cpus: "0.5", mem_limit: "512m", healthcheck: {retries: "3", interval: "10s"}, depends_on: {b: {condition: service_started, required: "false"}}}\n  b: {image: y}`)).not.toThrow();
    expect(rejects(`services:\n  a: {image: x, privileged: "maybe"}`).detail).toBe('must be a boolean (true or false), not "maybe"');
    expect(rejects(`services:\n  a: {image: x, healthcheck: {interval: "10"}}`).path).toBe("services.a.healthcheck.interval");
    expect(rejects(`services:\n  a: {image: x, build: 3}`).detail).toBe("must be a mapping or a string, not the number 3");
  });
  it("invalid service names", () => {
    expect(rejects(`services:\n  "bad name": {image: x}`).detail).toMatch(/invalid name "bad name"/);
  });
});

describe("warnings for accepted but unimplemented keys", () => {
  it("lists each one with its path", () => {
    const r = validateTree(
      treeFromYaml(`name: t\nservices:\n  a: {image: x, runtime: runsc, gpus: all, platform: linux/arm64, deploy: {placement: {constraints: [a]}}}`),
      { hostPlatform: "linux/amd64" },
    );
    expect(r.warnings).toEqual([
      "services.a.deploy.placement: swarm placement does not apply to a single engine; ignored",
      "services.a.runtime: only the engine's configured OCI runtime is used; ignored",
      "services.a.gpus: GPU access is not implemented; ignored",
      "services.a.platform: linux/arm64 differs from the host platform linux/amd64; emulation is not implemented",
    ]);
  });
});

describeCorpus("whole corpus projects", () => {
  const root = join(corpusDir, "awesome-compose");
  for (const dir of corpusPresent ? readdirSync(root) : []) {
    const file = ["compose.yaml", "compose.yml"].map((f) => join(root, dir, f)).find((f) => existsSync(f));
    if (!file) continue;
    it(`awesome-compose/${dir} validates and normalises`, () => {
      const envPath = join(root, dir, ".env");
      const environment = existsSync(envPath)
        ? Object.fromEntries(readFileSync(envPath, "utf8").split("\n").filter((l) => l.includes("=") && !l.startsWith("#")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]))
        : {};
      const input = treeFromYaml(readFileSync(file, "utf8"), { file, interpolate: true, environment, projectName: dir });
      validateTree(input);
      const project = normalize(input, {});
      expect(Object.keys(project.services).length).toBeGreaterThan(0);
    });
  }
  it("compose-go's cycle fixtures are rejected", () => {
    for (const f of ["compose-depends-on-cycle.yaml", "compose-depends-on-self.yaml"]) {
      const file = join(corpusDir, "compose-go/loader/testdata", f);
      expect(() => validateTree(treeFromYaml(readFileSync(file, "utf8"), { file }))).toThrow(/cycle|itself/);
    }
  });
});
