import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Dockerode from "dockerode";
import { execa, type ResultPromise } from "execa";
import { freePort } from "../fixtures/registry.ts";
import { makeEngineRoots, type EngineRoots } from "../support/engine-env.ts";
import { eventually } from "../support/eventually.ts";

// The compose commands a user runs besides up -d/ps/logs/down, through the `tstack` command on
// tstack's own engine (started on demand): attached `up` and its Ctrl-C, --abort-on-container-exit
// and --exit-code-from, `run`, `cp`, `push`, `stop`'s SIGKILL hint, and `logs -f` across a restart.
// One engine and one project directory; each scenario is its own compose file and project.
const registry = inject("registry");
const bin = join(process.cwd(), "bin/tstack.js");
const image = `${registry}/busybox:latest`;

const FILES = {
  "attach.yaml": `
name: cliattach
services:
  web:
    image: ${image}
    command: ["sh", "-c", "echo web says hello; while true; do sleep 1; done"]
    init: true
  worker:
    image: ${image}
    command: ["sh", "-c", "echo worker ready; while true; do sleep 1; done"]
    init: true
`,
  // exec makes sleep PID 1, which the kernel shields from SIGTERM: only SIGKILL stops it.
  "stubborn.yaml": `
name: clistubborn
services:
  stubborn:
    image: ${image}
    command: ["sh", "-c", "echo stubborn up; exec sleep 600"]
    stop_grace_period: 30s
`,
  "abort.yaml": `
name: cliabort
services:
  quitter:
    image: ${image}
    command: ["sh", "-c", "echo quitting soon; sleep 1; exit 3"]
  server:
    image: ${image}
    command: ["sh", "-c", "echo serving; while true; do sleep 1; done"]
    init: true
`,
  "cp.yaml": `
name: clicp
services:
  box:
    image: ${image}
    command: ["sleep", "600"]
    init: true
`,
  "logs.yaml": `
name: clilogs
services:
  ticker:
    image: ${image}
    command: ["sh", "-c", "b=$$(cut -c1-8 /proc/sys/kernel/random/uuid); echo boot $$b; i=0; while true; do echo tick $$b $$i; i=$$((i+1)); sleep 0.2; done"]
    init: true
`,
} as const;

describe("tstack compose commands on tstack's engine", () => {
  let roots: EngineRoots;
  let dir: string;
  let env: Record<string, string>;
  let docker: Dockerode;
  const tstack = (file: string, ...args: string[]) => execa(bin, ["-f", file, ...args], { cwd: dir, env, reject: false, timeout: 60_000 });
  // A long-running tstack (attached up, logs -f) whose output the test watches as it comes.
  const spawn = (file: string, ...args: string[]) => {
    const child = execa(bin, ["-f", file, ...args], { cwd: dir, env, reject: false, timeout: 90_000 }) as ResultPromise;
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => void (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => void (err += d.toString()));
    const until = async (what: string, ok: (out: string, err: string) => boolean, ms = 30_000) => {
      const seen = await eventually(async () => [out, err] as const, ([o, e]) => ok(o, e), ms);
      if (!ok(seen[0], seen[1])) throw new Error(`tstack ${args.join(" ")}: no ${what} within ${ms} ms\nstdout:\n${out}\nstderr:\n${err}`);
    };
    return { child, until, output: () => ({ out, err }) };
  };
  const psJson = async (file: string, ...args: string[]) => {
    const r = await tstack(file, "ps", "--format", "json", ...args);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim() || "[]") as { Service: string; Name: string; State: string; ID: string }[];
  };
  // Every container of a project, one-offs included, straight from the engine.
  const engineContainers = (project: string) => docker.listContainers({ all: true, filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }) });

  beforeAll(async () => {
    roots = await makeEngineRoots();
    dir = await mkdtemp(join(tmpdir(), "tstack-clicmd-"));
    env = { TSTACK_STATE_ROOT: roots.stateRoot, TSTACK_RUN_ROOT: roots.runRoot };
    for (const [name, text] of Object.entries(FILES)) await writeFile(join(dir, name), text);
    docker = new Dockerode({ socketPath: join(roots.runRoot, "engine.sock") });
  });

  afterAll(async () => {
    await Promise.all(
      [...Object.keys(FILES), "run.yaml", "push.yaml"].map(async (file) => {
        const down = await tstack(file, "down", "-v", "--remove-orphans", "-t", "0");
        if (down.exitCode !== 0) console.error(`down ${file}: ${down.stderr}`);
      }),
    );
    // One-off containers that a failed test left behind.
    for (const c of await docker.listContainers({ all: true }).catch(() => [])) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    await execa(bin, ["engine", "stop"], { cwd: dir, env, reject: false });
    await rm(dir, { recursive: true, force: true });
    await rm(roots.base, { recursive: true, force: true });
    await rm(roots.runRoot, { recursive: true, force: true });
  });

  describe("attached up", () => {
    it("prefixes each service's lines; Ctrl-C stops (not removes) the stack and exits 130", async () => {
      const up = spawn("attach.yaml", "up", "--no-color");
      await up.until("output of both services", (o) => o.includes("web says hello") && o.includes("worker ready"), 60_000);
      up.child.kill("SIGINT");
      const r = await up.child;
      const { out, err } = up.output();
      // docker compose v2 exits 130 when its context is canceled by SIGINT/SIGTERM.
      expect(r.exitCode, err).toBe(130);
      expect(err).toContain("Gracefully stopping...");
      expect(out).toMatch(/^web-1 {4}\| web says hello$/m);
      expect(out).toMatch(/^worker-1 \| worker ready$/m);
      expect(out).not.toContain("\x1b");
      const ps = await psJson("attach.yaml", "-a");
      expect(ps.map((c) => [c.Service, c.State]).sort()).toEqual([
        ["web", "exited"],
        ["worker", "exited"],
      ]);
    });

    it("a second Ctrl-C during a slow stop kills at once", async () => {
      const up = spawn("stubborn.yaml", "up", "--no-color");
      await up.until("the service's first line", (o) => /stubborn-1 \| stubborn up/.test(o), 60_000);
      up.child.kill("SIGINT");
      await up.until("the graceful stop", (_, e) => e.includes("Gracefully stopping"));
      // The engine is now waiting out the 30 s grace period of a process that ignores SIGTERM.
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = Date.now();
      up.child.kill("SIGINT");
      const r = await up.child;
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.exitCode, up.output().err).toBe(130);
      expect(up.output().err).toContain("Killing");
      expect((await psJson("stubborn.yaml", "-a")).map((c) => c.State)).toEqual(["exited"]);
    });

    it("stop of a service that ignores SIGTERM names it and suggests init or stop_signal", async () => {
      expect((await tstack("stubborn.yaml", "up", "-d")).exitCode).toBe(0);
      const stop = await tstack("stubborn.yaml", "stop", "-t", "1");
      expect(stop.exitCode, stop.stderr).toBe(0);
      expect(stop.stderr).toMatch(/service stubborn ignored SIGTERM for 1s and was killed; add `init: true` or set `stop_signal`/);
    });
  });

  describe("--abort-on-container-exit and --exit-code-from", () => {
    it("a service exiting with 3 stops the others and tstack exits 3", async () => {
      const r = await tstack("abort.yaml", "up", "--abort-on-container-exit", "--no-color");
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stdout).toMatch(/^quitter-1 +\| quitting soon$/m);
      expect(r.stdout).toMatch(/^quitter-1 exited with code 3$/m);
      const ps = await psJson("abort.yaml", "-a");
      expect(ps.find((c) => c.Service === "server")?.State).toBe("exited");
    });

    it("--exit-code-from takes the named service's code, also when the abort stopped it", async () => {
      const fromQuitter = await tstack("abort.yaml", "up", "--exit-code-from", "quitter", "--no-color");
      expect(fromQuitter.exitCode, fromQuitter.stderr).toBe(3);
      // As docker compose (since 2.26): the server was stopped by the abort, SIGTERM through init → 143.
      const fromServer = await tstack("abort.yaml", "up", "--exit-code-from", "server", "--no-color");
      expect(fromServer.exitCode, fromServer.stdout + fromServer.stderr).toBe(143);
    });
  });

  describe("run", () => {
    let port: number;
    let servicePort: number;
    beforeAll(async () => {
      port = await freePort();
      servicePort = await freePort();
      await writeFile(
        join(dir, "run.yaml"),
        `
name: clirun
services:
  web:
    image: ${image}
    command: ["httpd", "-f", "-p", "80", "-h", "/var/www"]
    init: true
    environment:
      GREETING: from-service
    ports: ["127.0.0.1:${servicePort}:80"]
    depends_on: [db]
  db:
    image: ${image}
    command: ["sleep", "600"]
    init: true
`,
      );
    });

    it("run --rm --no-deps prints the output and leaves no container", async () => {
      const r = await tstack("run.yaml", "run", "--rm", "--no-deps", "web", "echo", "hi");
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe("hi");
      expect(await eventually(() => engineContainers("clirun"), (l) => l.length === 0)).toEqual([]);
    });

    it("run -e and --entrypoint override the service; the exit code is the command's", async () => {
      const [e, ep, failing] = await Promise.all([
        tstack("run.yaml", "run", "--rm", "--no-deps", "-e", "X=1", "web", "sh", "-c", "echo $X $GREETING"),
        tstack("run.yaml", "run", "--rm", "--no-deps", "--entrypoint", "/bin/echo", "web", "from", "entrypoint"),
        tstack("run.yaml", "run", "--rm", "--no-deps", "web", "sh", "-c", "echo failing; exit 7"),
      ]);
      expect(e.stdout.trim(), e.stderr).toBe("1 from-service");
      expect(ep.stdout.trim(), ep.stderr).toBe("from entrypoint");
      expect(failing.stdout.trim(), failing.stderr).toBe("failing");
      expect(failing.exitCode).toBe(7);
    });

    it("run starts the dependencies; the one-off is labelled oneoff=True and ps leaves it out", async () => {
      const r = await tstack("run.yaml", "run", "web", "echo", "with-deps");
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe("with-deps");
      expect((await psJson("run.yaml")).map((c) => [c.Service, c.State])).toEqual([["db", "running"]]);
      const oneoffs = (await engineContainers("clirun")).filter((c) => c.Labels["com.docker.compose.service"] === "web");
      expect(oneoffs).toHaveLength(1);
      expect(oneoffs[0]?.Labels["com.docker.compose.oneoff"]).toBe("True");
      expect(oneoffs[0]?.Names[0]).toMatch(/^\/clirun-web-run-[0-9a-f]+$/);
    });

    it("run -d -p and --service-ports publish on 127.0.0.1; a running one-off is not in ps", async () => {
      const [p, sp] = await Promise.all([
        tstack("run.yaml", "run", "-d", "--no-deps", "-p", `127.0.0.1:${port}:80`, "web"),
        tstack("run.yaml", "run", "-d", "--no-deps", "--service-ports", "web"),
      ]);
      expect(p.exitCode, p.stderr).toBe(0);
      expect(sp.exitCode, sp.stderr).toBe(0);
      const get = (n: number) => fetch(`http://127.0.0.1:${n}/`).then((res) => res.text());
      expect(await eventually(() => get(port), (b) => typeof b === "string" && b.includes("tstack busybox"))).toContain("tstack busybox");
      expect(await eventually(() => get(servicePort), (b) => typeof b === "string" && b.includes("tstack busybox"))).toContain("tstack busybox");
      expect((await psJson("run.yaml")).map((c) => c.Service)).toEqual(["db"]);
      // As docker compose: ps -a lists the one-offs too (one exited, two running).
      expect((await psJson("run.yaml", "-a")).filter((c) => c.Service === "web").map((c) => c.State).sort()).toEqual(["exited", "running", "running"]);
    });

    // As in docker compose, one-off containers are orphans to `down`: --remove-orphans takes them.
    it("down --remove-orphans removes the one-off containers too", async () => {
      expect((await engineContainers("clirun")).filter((c) => c.Labels["com.docker.compose.oneoff"] === "True")).toHaveLength(3);
      const down = await tstack("run.yaml", "down", "--remove-orphans", "-t", "0");
      expect(down.exitCode, down.stderr).toBe(0);
      expect(await engineContainers("clirun")).toEqual([]);
    });
  });

  describe("cp", () => {
    const payload = `payload ${randomBytes(8).toString("hex")}\n`;
    // A file of a replica, read through the engine's archive API rather than through cp itself.
    const cat = async (path: string, index = 1) => {
      const [c] = await docker.listContainers({ filters: JSON.stringify({ label: ["com.docker.compose.project=clicp", `com.docker.compose.container-number=${index}`] }) });
      const archive = (await docker.getContainer(c!.Id).getArchive({ path })) as NodeJS.ReadableStream;
      const chunks: Buffer[] = [];
      for await (const chunk of archive) chunks.push(chunk as Buffer);
      return (await execa("tar", ["-xO"], { input: Buffer.concat(chunks), stripFinalNewline: false })).stdout;
    };
    beforeAll(async () => {
      await writeFile(join(dir, "payload.txt"), payload);
      const up = await tstack("cp.yaml", "up", "-d", "--scale", "box=2");
      expect(up.exitCode, up.stderr).toBe(0);
      expect((await tstack("cp.yaml", "exec", "-T", "box", "mkdir", "-p", "/data/in")).exitCode).toBe(0);
    });

    it("host → container: into a directory (with or without a slash) and to a new name", async () => {
      const cases = [
        ["box:/tmp/", "/tmp/payload.txt"],
        ["box:/data/in", "/data/in/payload.txt"],
        ["box:/tmp/renamed.txt", "/tmp/renamed.txt"],
      ] as const;
      const results = await Promise.all(cases.map(([dst]) => tstack("cp.yaml", "cp", "./payload.txt", dst)));
      for (const [i, [dst, path]] of cases.entries()) {
        expect(results[i]?.exitCode, `${dst}: ${results[i]?.stderr}`).toBe(0);
        expect(await cat(path), dst).toBe(payload);
      }
      const missing = await tstack("cp.yaml", "cp", "./payload.txt", "box:/nowhere/");
      expect(missing.exitCode).not.toBe(0);
      expect(missing.stderr).toContain("/nowhere/ does not exist");
    });

    it("container → host: a file to a new name, a file into a directory, a directory", async () => {
      await mkdir(join(dir, "outdir"), { recursive: true });
      expect((await tstack("cp.yaml", "cp", "box:/tmp/renamed.txt", "./back.txt")).exitCode).toBe(0);
      expect(await readFile(join(dir, "back.txt"), "utf8")).toBe(payload);
      const into = await tstack("cp.yaml", "cp", "box:/tmp/renamed.txt", "outdir");
      expect(into.exitCode, into.stderr).toBe(0);
      expect(await readFile(join(dir, "outdir", "renamed.txt"), "utf8")).toBe(payload);
      const tree = await tstack("cp.yaml", "cp", "box:/data/in", "./in-copy");
      expect(tree.exitCode, tree.stderr).toBe(0);
      expect(await readdir(join(dir, "in-copy"))).toEqual(["payload.txt"]);
      expect(await readFile(join(dir, "in-copy", "payload.txt"), "utf8")).toBe(payload);
    });

    it("--index picks the replica", async () => {
      const r = await tstack("cp.yaml", "cp", "--index", "2", "./payload.txt", "box:/tmp/only2.txt");
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await cat("/tmp/only2.txt", 2)).toBe(payload);
      await expect(cat("/tmp/only2.txt", 1)).rejects.toMatchObject({ statusCode: 404 });
      const back = await tstack("cp.yaml", "cp", "--index", "2", "box:/tmp/only2.txt", "./from2.txt");
      expect(back.exitCode, back.stderr).toBe(0);
      expect(await readFile(join(dir, "from2.txt"), "utf8")).toBe(payload);
    });
  });

  it("push sends a service's image to its registry", async () => {
    const tag = `t${randomBytes(4).toString("hex")}`;
    await writeFile(
      join(dir, "push.yaml"),
      `
name: clipush
services:
  base:
    image: ${image}
  app:
    image: ${registry}/cli-push-test:${tag}
`,
    );
    const tags = async () => {
      const res = await fetch(`http://${registry}/v2/cli-push-test/tags/list`);
      return res.ok ? ((await res.json()) as { tags: string[] | null }).tags ?? [] : [];
    };
    expect(await tags()).not.toContain(tag);
    const pull = await tstack("push.yaml", "pull", "base");
    expect(pull.exitCode, pull.stderr).toBe(0);
    await docker.getImage(image).tag({ repo: `${registry}/cli-push-test`, tag });
    const push = await tstack("push.yaml", "push", "app");
    expect(push.exitCode, push.stderr).toBe(0);
    expect(await tags()).toContain(tag);
    const manifest = await fetch(`http://${registry}/v2/cli-push-test/manifests/${tag}`, {
      headers: { Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" },
    });
    expect(manifest.status).toBe(200);
    await docker.getImage(`${registry}/cli-push-test:${tag}`).remove().catch(() => undefined);
  });

  it("logs -f keeps following a service across a restart, without repeating lines", async () => {
    expect((await tstack("logs.yaml", "up", "-d")).exitCode).toBe(0);
    const follow = spawn("logs.yaml", "logs", "-f", "--no-color", "ticker");
    const boots = (o: string) => [...o.matchAll(/\| boot (\w+)$/gm)].map((m) => m[1]);
    const ticksOf = (o: string, boot: string | undefined) => [...o.matchAll(new RegExp(`\\| tick ${boot} \\d+$`, "gm"))].length;
    await follow.until("ticks of the first run", (o) => ticksOf(o, boots(o)[0]) >= 3);
    const restart = await tstack("logs.yaml", "restart", "ticker");
    expect(restart.exitCode, restart.stderr).toBe(0);
    await follow.until("ticks after the restart", (o) => boots(o).length >= 2 && ticksOf(o, boots(o)[1]) >= 3);
    follow.child.kill("SIGINT");
    await follow.child;
    const lines = follow.output().out.split("\n").filter((l) => l.includes("| "));
    expect(new Set(boots(follow.output().out)).size).toBe(2);
    expect(lines.length).toBe(new Set(lines).size);
    expect(lines.filter((l) => !/^ticker-1 +\| /.test(l))).toEqual([]);
  });
});
