import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeEngineRoots, type EngineRoots } from "../support/engine-env.ts";

// The project as a user installs it: `npm pack` (its prepack builds dist/), `npm install -g` of
// the tarball into a prefix of its own, then the installed command, with no tsx and no
// devDependency anywhere it could be found. The tarball holds the C helpers' sources, not their
// binaries: the engine builds them at its first start.
const REPO = process.cwd();

describe("the npm package, installed", () => {
  let work: string;
  let prefix: string;
  let pkgDir: string;
  let project: string;
  let roots: EngineRoots;
  let env: Record<string, string>;
  const tstack = (...args: string[]) => execa(join(prefix, "bin/tstack"), args, { cwd: project, env, extendEnv: false, reject: false, timeout: 120_000 });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "tstack-pkg-"));
    // Pack a copy of the checkout's files, so that prepack's build does not rewrite the dist/
    // other tests are running from.
    const src = join(work, "src");
    const files = (await execa("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO })).stdout.split("\0").filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(REPO, f))) continue; // deleted in the work tree, not yet committed
      if (f === "node_modules" || f.startsWith("node_modules/")) continue; // a symlinked node_modules is not ignored by "node_modules/"
      await mkdir(dirname(join(src, f)), { recursive: true });
      await cp(join(REPO, f), join(src, f), { verbatimSymlinks: true });
    }
    await symlink(join(REPO, "node_modules"), join(src, "node_modules"));
    const packed = await execa("npm", ["pack", "--json", "--pack-destination", work], { cwd: src });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    prefix = join(work, "prefix");
    // --offline: the package must need nothing from a registry (its dist/ bundles everything).
    await execa("npm", ["install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", join(work, filename)]);
    pkgDir = join(prefix, "lib/node_modules/tstack");
    project = join(work, "project");
    await mkdir(project);
    roots = await makeEngineRoots();
    env = {
      PATH: `${join(prefix, "bin")}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: work,
      TSTACK_STATE_ROOT: roots.stateRoot,
      TSTACK_RUN_ROOT: roots.runRoot,
    };
  }, 300_000);

  afterAll(async () => {
    if (prefix && existsSync(join(prefix, "bin/tstack"))) {
      await tstack("down", "-v", "-t", "0");
      await tstack("engine", "stop");
    }
    if (roots) {
      await rm(roots.base, { recursive: true, force: true });
      await rm(roots.runRoot, { recursive: true, force: true });
    }
    await rm(work, { recursive: true, force: true });
  });

  it("ships dist/ and the helpers' sources, without sources, tsx or dependencies", async () => {
    const top = (await readdir(pkgDir)).sort();
    expect(top).toEqual(["README.md", "bin", "dist", "native", "package.json", "schema"]);
    expect(existsSync(join(pkgDir, "native/build"))).toBe(false);
    expect(existsSync(join(pkgDir, "native/src/main.c"))).toBe(true);
    expect(existsSync(join(pkgDir, "node_modules"))).toBe(false);
    expect(existsSync(join(prefix, "lib/node_modules/tsx"))).toBe(false);
  });

  it("tstack version", async () => {
    const r = await tstack("version", "--short");
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.exitCode).toBe(0);
  });

  it("tstack config", async () => {
    await writeFile(join(project, "compose.yaml"), `name: pkgdemo\nservices:\n  web:\n    image: \${IMAGE:-busybox}\n    ports: ["8080:80"]\n`);
    const r = await tstack("config", "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const model = JSON.parse(r.stdout) as { name: string; services: { web: { image: string; ports: { target: number }[] } } };
    expect(model.name).toBe("pkgdemo");
    expect(model.services.web.image).toBe("busybox");
    expect(model.services.web.ports[0]!.target).toBe(80);
  });

  it("tstack up -d starts the engine, which builds its C helpers, and runs the stack", async () => {
    await writeFile(join(project, "compose.yaml"), `name: pkgdemo\nservices:\n  app:\n    image: ${inject("registry")}/busybox:latest\n    command: ["sleep", "600"]\n    init: true\n`);
    const up = await tstack("up", "-d");
    expect(up.stderr).toContain("started the engine");
    expect(up.exitCode, up.stderr).toBe(0);
    expect(existsSync(join(pkgDir, "native/build/tstack-shim"))).toBe(true);
    expect(existsSync(join(pkgDir, "native/build/tstack-spawn"))).toBe(true);
    const ps = await tstack("ps", "--format", "json");
    expect(ps.stdout).toContain('"Service":"app"');
    expect(ps.stdout).toContain("running");
    const down = await tstack("down", "-t", "0");
    expect(down.exitCode, down.stderr).toBe(0);
  });
});
