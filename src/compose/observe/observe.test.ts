import { describe, expect, it } from "vitest";
import { FakeEngineClient } from "../engine-client/index.ts";
import { LABEL } from "../labels/index.ts";
import { observe, observedContainerOf } from "./index.ts";

const summary = (labels: Record<string, string>, over: Partial<Parameters<typeof observedContainerOf>[0]> = {}) => ({
  id: "id1", name: "demo-web-1", image: "nginx", imageId: "sha256:run", labels, state: "running" as const, health: "healthy" as const,
  created: 5, networks: ["demo_default"], volumes: [], status: "Up", command: "nginx", ports: [], ...over,
});

describe("observe", () => {
  it("reads service, number, hash, oneoff and image from a container's labels", () => {
    const c = observedContainerOf(
      summary({ [LABEL.service]: "web", [LABEL.containerNumber]: "3", [LABEL.configHash]: "abc", [LABEL.oneoff]: "True", [LABEL.image]: "sha256:label" }),
    );
    expect(c).toMatchObject({ service: "web", number: 3, configHash: "abc", oneoff: true, imageId: "sha256:run", health: "healthy" });
    expect(observedContainerOf(summary({ [LABEL.containerNumber]: "x" }, { imageId: "" }))).toMatchObject({ service: "", number: 0, configHash: "", oneoff: false, imageId: "" });
    expect(observedContainerOf(summary({ [LABEL.image]: "sha256:label" }, { imageId: "" })).imageId).toBe("sha256:label");
  });

  it("lists only the project's objects, once each, sorted by service and number", async () => {
    const f = new FakeEngineClient();
    const mk = (name: string, project: string, service: string, n: number) =>
      f.createContainer(name, { Image: "x", Labels: { [LABEL.project]: project, [LABEL.service]: service, [LABEL.containerNumber]: String(n) }, HostConfig: {} });
    await mk("demo-web-2", "demo", "web", 2);
    await mk("demo-web-1", "demo", "web", 1);
    await mk("demo-db-1", "demo", "db", 1);
    await mk("other-web-1", "other", "web", 1);
    await f.createNetwork({ Name: "demo_default", Labels: { [LABEL.project]: "demo", [LABEL.network]: "default" } });
    await f.createNetwork({ Name: "other_default", Labels: { [LABEL.project]: "other" } });
    await f.createVolume({ Name: "demo_data", Labels: { [LABEL.project]: "demo", [LABEL.volume]: "data" } });
    f.calls.length = 0;
    const s = await observe(f, "demo");
    expect(s.containers.map((c) => c.name)).toEqual(["demo-db-1", "demo-web-1", "demo-web-2"]);
    expect(s.networks).toEqual([{ id: expect.any(String), name: "demo_default", key: "default", labels: expect.any(Object) }]);
    expect(s.volumes.map((v) => [v.name, v.key])).toEqual([["demo_data", "data"]]);
    expect(f.calls.sort()).toEqual(["list containers", "list networks", "list volumes"]);
  });
});
