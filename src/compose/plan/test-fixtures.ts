// Test-only helpers: a compose project from YAML, and the state the engine would show after
// that project had been brought up (so a test can then change the project or the state).
import { normalize, configHash, type Project } from "../model/index.ts";
import type { ObservedContainer, ObservedState } from "../observe/index.ts";
import { containerName, LABEL } from "../labels/index.ts";
import { treeFromYaml } from "../validate/test-tree.ts";
import { imageRef } from "./images.ts";

export const projectFromYaml = (yaml: string): Project =>
  normalize(treeFromYaml(yaml, { file: "/srv/demo/compose.yaml", projectName: "demo" }));

// Container IDs are derived from names so golden files stay stable: "id-demo-web-1".
export function upState(project: Project, images: Readonly<Record<string, string | undefined>>, scale: Readonly<Record<string, number>> = {}): ObservedState {
  const containers: ObservedContainer[] = [];
  let created = 1_700_000_000;
  for (const s of Object.values(project.services)) {
    for (let n = 1; n <= (scale[s.name] ?? s.scale); n++) {
      const name = containerName(project.name, s.name, n, s.container_name);
      containers.push({
        id: `id-${name}`,
        name,
        image: imageRef(project, s),
        status: "Up",
        command: "",
        ports: [],
        service: s.name,
        number: n,
        oneoff: false,
        configHash: configHash(s),
        imageId: images[imageRef(project, s)] ?? "sha256:unknown",
        state: "running",
        health: s.healthcheck ? "healthy" : "none",
        created: created++,
        networks: Object.keys(s.networks).map((k) => project.networks[k]!.name),
        volumes: s.volumes.flatMap((v) => (v.type === "volume" && v.source ? [project.volumes[v.source]?.name ?? v.source] : [])),
        labels: { [LABEL.project]: project.name, [LABEL.service]: s.name, [LABEL.containerNumber]: String(n) },
      });
    }
  }
  return {
    projectName: project.name,
    containers,
    networks: Object.entries(project.networks).filter(([, n]) => !n.external).map(([key, n]) => ({ id: `id-${n.name}`, name: n.name, key, labels: {} })),
    volumes: Object.entries(project.volumes).filter(([, v]) => !v.external).map(([key, v]) => ({ name: v.name, key, labels: {} })),
  };
}
