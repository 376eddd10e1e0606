import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { globalOptionsOf } from "./global-options.ts";
import { loadProject } from "./project.ts";

// A rebuild rule on a service without a build section: compose-go loads the file (compose-spec's
// develop/03.yaml is one), so `config` and `up` do too; watch refuses it when it loads the file,
// before anything runs, naming the line and key.
const dir = mkdtempSync(join(tmpdir(), "tstack-watch-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "compose.yaml"), "services:\n  backend:\n    image: example/backend\n    develop:\n      watch:\n        - path: ./src\n          action: rebuild\n");

const load = (forWatch: boolean) =>
  loadProject({ global: globalOptionsOf({}, {}), cwd: dir, env: { HOME: "/home/u" }, hostPlatform: "linux/amd64", ...(forWatch ? { forWatch } : {}) });

describe("loading a project for watch", () => {
  it("loads for other commands", async () => {
    expect(Object.keys((await load(false)).project.services)).toEqual(["backend"]);
  });

  it("is refused for watch, at the rule's line", async () => {
    await expect(load(true)).rejects.toThrow(`${join(dir, "compose.yaml")}:7:11: services.backend.develop.watch[0].action: service "backend" has no build section`);
  });
});
