import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "./build.ts";

// The bundled command line, built into a scratch package root: it runs, validates with the
// schema compiled at build time (the same errors as the sources), and left out what it should.
const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = join(root, ".cache", `build-test-${randomBytes(4).toString("hex")}`);
const main = join(pkg, "dist", "cli", "main.js");
const entry = join(pkg, "tstack.mjs");
const run = (args: string[], cwd: string) => execa("node", [entry, ...args], { cwd, reject: false });

beforeAll(async () => {
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(root, "package.json"), join(pkg, "package.json"));
  writeFileSync(entry, `const { main } = await import(${JSON.stringify(main)});\nawait main();\n`);
  await buildDist(join(pkg, "dist"));
}, 60_000);
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

describe("npm run build", () => {
  it("writes the entry, its chunks and the stamp", () => {
    const files = readdirSync(join(pkg, "dist", "cli"));
    expect(files).toContain("main.js");
    expect(files).toContain("spawn-worker.js");
    expect(files.filter((f) => f.endsWith(".js")).length).toBeGreaterThan(5);
    expect(readdirSync(join(pkg, "dist"))).toContain(".build-stamp");
  });

  it("runs: version, config of a valid file, the precise error of an invalid one", async () => {
    expect((await run(["--version"], pkg)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const proj = join(pkg, "proj");
    mkdirSync(proj);
    writeFileSync(join(proj, "compose.yaml"), "services:\n  web:\n    image: busybox\n    ports: [\"8080:80\"]\n");
    const ok = await run(["config", "--services"], proj);
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe("web");
    writeFileSync(join(proj, "compose.yaml"), "services:\n  web:\n    image: busybox\n    restart: 3\n");
    const bad = await run(["config"], proj);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/compose\.yaml:4:\d+: services\.web\.restart: must be a string, not the number 3/);
  });

  it("carries the compiled schema, not ajv's compiler", async () => {
    const { readFileSync } = await import("node:fs");
    const all = readdirSync(join(pkg, "dist", "cli")).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(pkg, "dist", "cli", f), "utf8")).join("\n");
    expect(all).toContain("function composeSchemaValidator()");
    expect(all).not.toMatch(/class Ajv\b|new Ajv2020\(/);
  });
});
