import { describe, expect, it } from "vitest";
import { normalize } from "../model/index.ts";
import { treeFromYaml } from "../validate/test-tree.ts";
import {
  containerLabels,
  containerName,
  formatDependsOnLabel,
  LABEL,
  parseDependsOnLabel,
  projectFilter,
  replacementName,
} from "./index.ts";

const project = normalize(
  treeFromYaml(
    `name: demo\nservices:\n  web:\n    image: nginx\n    labels: {a: b, com.docker.compose.project: spoof}\n    depends_on:\n      db: {condition: service_healthy, restart: true}\n      cache: {condition: service_started}\n  db: {image: pg}\n  cache: {image: redis}\n`,
    { file: "/srv/demo/compose.yaml" },
  ),
);

describe("labels", () => {
  it("names containers compose v2 style", () => {
    expect(containerName("demo", "web", 2)).toBe("demo-web-2");
    expect(containerName("demo", "web", 1, "custom")).toBe("custom");
    expect(replacementName("0123456789abcdef0123", "demo-web-1")).toBe("0123456789ab_demo-web-1");
    expect(projectFilter("demo")).toBe("com.docker.compose.project=demo");
  });

  it("formats depends_on like compose (svc:condition:restart), sorted, and parses it back", () => {
    const web = project.services.web!;
    const label = formatDependsOnLabel(web.depends_on);
    expect(label).toBe("cache:service_started:false,db:service_healthy:true");
    expect(parseDependsOnLabel(label)).toEqual([
      { service: "cache", condition: "service_started", restart: false },
      { service: "db", condition: "service_healthy", restart: true },
    ]);
    expect(parseDependsOnLabel("db")).toEqual([{ service: "db", condition: "service_started", restart: false }]);
    expect(parseDependsOnLabel("")).toEqual([]);
  });

  it("container labels: ownership labels win over the user's", () => {
    const labels = containerLabels(project, project.services.web!, { number: 3, imageId: "sha256:abc" });
    expect(labels).toMatchObject({
      a: "b",
      [LABEL.project]: "demo",
      [LABEL.service]: "web",
      [LABEL.containerNumber]: "3",
      [LABEL.oneoff]: "False",
      [LABEL.image]: "sha256:abc",
      [LABEL.workingDir]: "/srv/demo",
      [LABEL.configFiles]: "/srv/demo/compose.yaml",
    });
    expect(labels[LABEL.configHash]).toMatch(/^[0-9a-f]{64}$/);
    expect(labels[LABEL.replace]).toBeUndefined();
  });
});
