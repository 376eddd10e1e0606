import { describe, expect, it } from "vitest";
import { ComposeLoadError, loadTree, memoryLoaderFs } from "./index.ts";
import type { LoadOptions } from "./index.ts";

async function load(files: Record<string, string>, opts: Partial<LoadOptions> = {}) {
  return loadTree({ workingDir: "/proj", environment: {}, fs: memoryLoaderFs(files), ...opts });
}
async function failure(files: Record<string, string>, opts: Partial<LoadOptions> = {}): Promise<ComposeLoadError> {
  try {
    await load(files, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeLoadError);
    return err as ComposeLoadError;
  }
  throw new Error("expected the load to fail");
}

describe("loadTree", () => {
  it("discovers compose.yaml + override, merges them and names the project after the directory", async () => {
    const r = await load({
      "/proj/compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n",
      "/proj/compose.override.yaml": "services:\n  web:\n    ports: ['81:81']\n",
    });
    expect(r.projectName).toBe("proj");
    expect(r.projectDirectory).toBe("/proj");
    expect(r.configFiles).toEqual(["/proj/compose.yaml", "/proj/compose.override.yaml"]);
    expect(r.tree).toEqual({ name: "proj", services: { web: { image: "nginx", ports: ["80:80", "81:81"] } } });
    expect(r.positionOf(["services", "web", "ports", 1])).toEqual({ file: "/proj/compose.override.yaml", line: 3, column: 13 });
    expect(r.positionOf(["services", "web", "image"])).toEqual({ file: "/proj/compose.yaml", line: 3, column: 5 });
  });

  it("interpolates with process env over .env, and COMPOSE_PROJECT_NAME", async () => {
    const r = await load(
      {
        "/proj/compose.yaml": "name: ${NAME:-x}\nservices:\n  web:\n    image: ${IMG}:${TAG}\n    labels: [\"p=${COMPOSE_PROJECT_NAME}\"]\n",
        "/proj/.env": "IMG=fromdotenv\nTAG=1\nNAME=my-app\n",
      },
      { environment: { TAG: "2" } },
    );
    expect(r.projectName).toBe("my-app");
    expect(r.environment).toMatchObject({ IMG: "fromdotenv", TAG: "2", COMPOSE_PROJECT_NAME: "my-app" });
    expect(r.tree["services"]).toEqual({ web: { image: "fromdotenv:2", labels: ["p=my-app"] } });
  });

  it("uses -p, then COMPOSE_PROJECT_NAME, before name:", async () => {
    const files = { "/proj/compose.yaml": "name: fromfile\nservices: {a: {image: x}}\n" };
    expect((await load(files, { projectName: "opt" })).projectName).toBe("opt");
    expect((await load(files, { environment: { COMPOSE_PROJECT_NAME: "env" } })).projectName).toBe("env");
    expect((await load(files)).tree["name"]).toBe("fromfile");
    await expect(load(files, { projectName: "Bad" })).rejects.toThrow(/invalid project name/);
  });

  it("honours --env-file and -f relative to the working directory, and stdin", async () => {
    const r = await load(
      {
        "/proj/sub/a.yaml": "services:\n  web:\n    image: ${IMG}\n",
        "/proj/my.env": "IMG=custom\n",
      },
      { configFiles: ["sub/a.yaml", "-"], envFiles: ["my.env"], stdin: "services:\n  web:\n    tty: true\n" },
    );
    expect(r.projectDirectory).toBe("/proj/sub");
    expect(r.projectName).toBe("sub");
    expect(r.configFiles).toEqual(["/proj/sub/a.yaml", "-"]);
    expect(r.tree["services"]).toEqual({ web: { image: "custom", tty: true } });
  });

  it("includes other projects, resolving their paths against their own directory", async () => {
    const r = await load({
      "/proj/compose.yaml":
        "include:\n  - lib/compose.yaml\n  - path: other/c.yaml\n    env_file: other/vars.env\nservices:\n  web:\n    image: w\n  db:\n    environment: [LOCAL=1]\n",
      "/proj/lib/compose.yaml":
        "services:\n  db:\n    image: postgres:${PG}\n    build: .\n    env_file: db.env\n    volumes: ['./data:/data', 'named:/x']\nvolumes:\n  named: {}\n",
      "/proj/lib/.env": "PG=16\n",
      "/proj/other/c.yaml": "services:\n  cache:\n    image: ${CACHE}\n",
      "/proj/other/vars.env": "CACHE=redis\n",
    });
    expect(r.tree["services"]).toEqual({
      web: { image: "w" },
      db: {
        image: "postgres:16",
        build: "/proj/lib",
        env_file: "/proj/lib/db.env",
        volumes: ["/proj/lib/data:/data", "named:/x"],
        environment: ["LOCAL=1"],
      },
      cache: { image: "redis" },
    });
    expect(r.tree["volumes"]).toEqual({ named: {} });
    expect(r.positionOf(["services", "cache", "image"])?.file).toBe("/proj/other/c.yaml");
  });

  it("rejects include cycles", async () => {
    const e = await failure({
      "/proj/compose.yaml": "include: [a.yaml]\nservices: {x: {image: x}}\n",
      "/proj/a.yaml": "include: [compose.yaml]\nservices: {y: {image: y}}\n",
    });
    expect(e.message).toContain("include cycle detected");
    expect(e.file).toBe("/proj/a.yaml");
  });

  it("extends services in the same file and in other files, chained", async () => {
    const r = await load({
      "/proj/compose.yaml":
        "services:\n  base:\n    image: b\n    environment: [A=1]\n  mid:\n    extends: base\n    environment: [B=2]\n  web:\n    extends: {service: mid}\n    command: !reset\n  remote:\n    extends:\n      file: common/svc.yaml\n      service: tpl\n    ports: ['2:2']\n",
      "/proj/common/svc.yaml":
        "services:\n  tpl:\n    extends: {file: deeper/root.yaml, service: root}\n    ports: ['1:1']\n    env_file: tpl.env\n",
      "/proj/common/deeper/root.yaml": "services:\n  root:\n    image: r\n    build: ./ctx\n    command: run\n",
    });
    const services = r.tree["services"] as Record<string, unknown>;
    expect(services["mid"]).toEqual({ image: "b", environment: ["A=1", "B=2"] });
    expect(services["web"]).toEqual({ image: "b", environment: ["A=1", "B=2"] });
    expect(services["remote"]).toEqual({
      image: "r",
      build: "/proj/common/deeper/ctx",
      command: "run",
      ports: ["1:1", "2:2"],
      env_file: "/proj/common/tpl.env",
    });
  });

  it("rejects extends of a missing service, a missing file and cycles", async () => {
    expect((await failure({ "/proj/compose.yaml": "services:\n  a:\n    extends: nope\n" })).message).toMatch(
      /compose\.yaml:3:5: services\.a\.extends: cannot extend service "a": service "nope" not found/,
    );
    expect(
      (await failure({ "/proj/compose.yaml": "services:\n  a:\n    extends: {file: x.yaml, service: b}\n" })).message,
    ).toContain("x.yaml not found");
    expect(
      (await failure({ "/proj/compose.yaml": "services:\n  a:\n    extends: b\n  b:\n    extends: a\n" })).message,
    ).toContain("circular reference with extends");
    expect((await failure({ "/proj/compose.yaml": "services:\n  a:\n    extends: {file: x.yaml}\n" })).message).toContain(
      "extends.a.service is required",
    );
  });

  it("rejects empty projects and reports errors with file:line:col and path", async () => {
    expect((await failure({ "/proj/compose.yaml": "# nothing\n" })).message).toBe("/proj/compose.yaml: empty compose file");
    const e = await failure({ "/proj/compose.yaml": "services:\n  web:\n    image: ${FOO:?err}\n" });
    expect(e.message).toBe("/proj/compose.yaml:3:5: services.web.image: required variable FOO is missing a value: err");
    expect(e.path).toBe("services.web.image");
    expect(e.line).toBe(3);
    expect(e.kind).toBe("InvalidArgument");
  });

  it("fails clearly when no compose file exists", async () => {
    await expect(load({})).rejects.toThrow(/no configuration file provided/);
  });
});
