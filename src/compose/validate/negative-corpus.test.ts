import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";
import { corpusDir, corpusNegativeCases, describeCorpus } from "../../../test/support/shared-corpus.ts";
import { isKind } from "../../common/errors.ts";
import { ComposeValidationError, validateTree } from "./index.ts";
import type { LoadedTreeLike } from "./input.ts";
import { treeFromYaml } from "./test-tree.ts";

const cases = corpusNegativeCases();

// The key path our error must name for each schema/semantic case.
const EXPECTED_PATH: Readonly<Record<string, string>> = {
  "v1-format.yaml": "foo",
  "non-mapping-services-list.yaml": "services",
  "non-mapping-service-scalar.yaml": "services.foo",
  "non-mapping-networks-list.yaml": "networks",
  "non-mapping-network-scalar.yaml": "networks.default",
  "non-mapping-volumes-list.yaml": "volumes",
  "non-mapping-volume-scalar.yaml": "volumes.data",
  "image-not-string.yaml": "services.foo.image",
  "environment-value-list.yaml": "services.dict-env.environment.FOO",
  "environment-string.yaml": "services.dict-env.environment",
  "deploy-resources-unknown.yaml": "services.foo.deploy.resources.impossible",
  "volume-external-and-driver.yaml": "volumes.external_volume.driver",
  "volume-external-and-driver-opts.yaml": "volumes.external_volume.driver_opts",
  "volume-external-and-labels.yaml": "volumes.external_volume.labels",
  "volume-name-and-external-name.yaml": "volumes.external_volume",
  "tmpfs-volume-extra-property.yaml": "services.tmpfs.volumes[0].foo",
  "bind-mount-no-source.yaml": "services.tmpfs.volumes[0]",
  "tmpfs-size-negative.yaml": "services.tmpfs.volumes[0].tmpfs.size",
  "tmpfs-size-fraction.yaml": "services.tmpfs.volumes[0].tmpfs.size",
  "secret-name-and-external-name.yaml": "secrets.external_secret",
  "network-name-and-external-name.yaml": "networks.foo",
  "device-count-string.yaml": "services.hello-world.deploy.resources.reservations.devices[0].count",
  "device-count-and-ids.yaml": "services.hello-world.deploy.resources.reservations.devices[0]",
  "device-no-capabilities.yaml": "services.hello-world.deploy.resources.reservations.devices[0]",
  "build-ssh-null.yaml": "services.test.build.ssh",
  "project-name-int.yaml": "name",
  "develop-watch-no-action.yaml": "services.frontend.develop.watch[0]",
  "network-mode-and-networks.yaml": "services.redis.networks",
  "no-project-name.yaml": "name",
  "required-env-file-missing.yaml": "services.other.env_file[0]",
  "extends-missing-service.yaml": "services.test.extends",
  "extends-undefined-ref-volumes-from.yaml": "services.bar.volumes_from[0]",
  "extends-undefined-ref-depends-on.yaml": "services.bar.depends_on[0]",
  "extends-undefined-ref-ipc.yaml": "services.bar.ipc",
  "extends-undefined-ref-network-mode.yaml": "services.bar.network_mode",
  "ports-invalid-ip.yaml": "services.foo.ports[0]",
  "volume-too-many-colons.yaml": "services.foo.volumes[0]",
  "volume-empty-section-1.yaml": "services.foo.volumes[0]",
  "volume-empty-section-2.yaml": "services.foo.volumes[0]",
  "consistency-undefined-volume.yaml": "services.myservice.volumes[0]",
  "consistency-no-image-no-build.yaml": "services.myservice",
  "consistency-network-mode-unknown-service.yaml": "services.myservice2.network_mode",
  "consistency-secret-no-source.yaml": "secrets.foo",
  "consistency-service-secret-undefined.yaml": "services.myservice.secrets[0]",
  "consistency-depends-on-undefined.yaml": "services.myservice.depends_on[0]",
  "consistency-watch-sync-no-target.yaml": "services.myservice.develop.watch[0]",
  "consistency-watch-sync-restart-no-target.yaml": "services.myservice.develop.watch[0]",
  "consistency-mount-target-conflict.yaml": "services.myservice.volumes[1]",
  "consistency-scale-negative.yaml": "services.myservice.scale",
  "consistency-replicas-negative.yaml": "services.myservice.deploy.replicas",
};

// Stand-in for the loader's extends phase (not under test here): copy the base service's keys
// the local service does not set, so the merged service's references can be checked.
function resolveExtends(input: LoadedTreeLike, dir: string): LoadedTreeLike {
  const services = (input.tree.services ?? {}) as Record<string, Record<string, unknown>>;
  for (const svc of Array.isArray(services) ? [] : Object.values(services)) {
    const ext = svc.extends as { file?: string; service?: string } | undefined;
    if (!ext?.file || !ext.service) continue;
    const base = treeFromYaml(readFileSync(resolve(dir, ext.file), "utf8")).tree.services as Record<string, Record<string, unknown>>;
    const { extends: _drop, ...local } = svc;
    Object.keys(svc).forEach((k) => delete svc[k]);
    Object.assign(svc, base[ext.service], local);
  }
  return input;
}

function load(file: string): LoadedTreeLike {
  const path = join(corpusDir, file);
  return resolveExtends(treeFromYaml(readFileSync(path, "utf8"), { file: path }), dirname(path));
}

function rejection(fn: () => unknown): ComposeValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeValidationError);
    return err as ComposeValidationError;
  }
  throw new Error("expected the file to be rejected");
}

describeCorpus("negative corpus: schema and semantic cases are rejected with the key path", () => {
  const mine = cases.filter((c) => c.stage === "schema" || c.stage === "semantic");
  it("covers every schema/semantic case", () => {
    expect(mine.map((c) => c.file.split("/").pop()).sort()).toEqual(Object.keys(EXPECTED_PATH).sort());
  });
  for (const c of mine) {
    const name = c.file.split("/").pop() ?? c.file;
    it(`${name} (${c.expect_error_contains})`, () => {
      const input = load(c.file);
      const err = rejection(() => validateTree(input, { fileExists: existsSync }));
      expect(isKind(err, "InvalidArgument")).toBe(true);
      expect(err.path).toBe(EXPECTED_PATH[name]);
      expect(err.message).toContain(`${err.path}: `);
      expect(err.file).toBe(join(corpusDir, c.file));
      if (name !== "no-project-name.yaml") expect(err.line).toBeGreaterThan(0);
      expect(err.message).toMatch(/^\/.*:\d+:\d+: |^\/.*: /);
    });
  }

  it("a missing required env file only matters for selected services", () => {
    const input = load("compose-go/negative/required-env-file-missing.yaml");
    expect(validateTree(input, { fileExists: existsSync, services: ["web"] }).warnings).toEqual([]);
    const tree = input.tree as { services: Record<string, Record<string, unknown>> };
    tree.services.web = { image: "nginx", depends_on: ["other"] };
    expect(() => validateTree(input, { fileExists: existsSync, services: ["web"] })).toThrow(/this-file-does-not-exist\.env/);
  });

  it("extends references load once the referenced service exists locally", () => {
    const input = load("compose-go/negative/extends-undefined-ref-network-mode.yaml");
    (input.tree.services as Record<string, unknown>).zot = { image: "zot" };
    expect(() => validateTree(input)).not.toThrow();
  });
});
