import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { compare, type Figure } from "./harness.ts";
import { startRegistry } from "../test/fixtures/registry.ts";
import { buildFixtureImages, pushFixtureImages } from "../test/fixtures/images.ts";
import { makeEngineRoots } from "../test/support/engine-env.ts";
import { dockerdAvailable, startDockerEngine, type DockerEngine } from "../test/support/docker-engine.ts";
import { hostProgram } from "../test/support/host-programs.ts";

const DOCKER_CLI = hostProgram("docker");

// api: `docker ps` and `docker inspect` latency against tstack's engine with 20 containers, and
// memory (engine + monitors) idle and with 20 containers — against Docker Engine in the same run.

async function rssKb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
}

/** Processes whose command line mentions `marker` (monitors of one engine, found by its roots). */
async function pidsMatching(marker: string, name: RegExp): Promise<number[]> {
  const out: number[] = [];
  for (const d of await readdir("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const cmd = (await readFile(`/proc/${d}/cmdline`, "utf8").catch(() => "")).replaceAll("\0", " ");
    if (name.test(cmd) && cmd.includes(marker)) out.push(Number(d));
  }
  return out;
}

const sumRss = async (pids: number[]) => (await Promise.all(pids.map(rssKb))).reduce((a, b) => a + b, 0) / 1024;

export async function* run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> {
  const runs = opts.runs ?? 20;
  const work = await mkdtemp(join(tmpdir(), "tstack-bench-api-"));
  const registry = await startRegistry(join(work, "registry"));
  const roots = await makeEngineRoots();
  const env = { ...process.env, TSTACK_STATE_ROOT: roots.stateRoot, TSTACK_RUN_ROOT: roots.runRoot };
  const tsock = join(roots.runRoot, "engine.sock");
  let engine: ChildProcess | undefined;
  let docker: DockerEngine | undefined;
  const cli = (host: string) => (...a: string[]) => execa(DOCKER_CLI, a, { env: { DOCKER_HOST: `unix://${host}`, DOCKER_CONFIG: join(work, "dc") } });
  try {
    await pushFixtureImages(await buildFixtureImages(join(work, "fixtures")), registry.addr);
    const image = `${registry.addr}/busybox:latest`;
    engine = spawn(join(process.cwd(), "bin/tstack.js"), ["engine"], { env, stdio: "ignore" });
    const t = cli(tsock);
    for (let i = 0; ; i++) {
      if ((await t("version").then(() => true, () => false))) break;
      if (i > 100) throw new Error("tstack engine did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    const tstackMem = async () => (await rssKb(engine!.pid!)) / 1024 + (await sumRss(await pidsMatching(roots.runRoot, /tstack-shim/)));
    const sides: { name: string; cli: ReturnType<typeof cli>; mem: () => Promise<number> }[] = [{ name: "tstack", cli: t, mem: tstackMem }];
    if (await dockerdAvailable()) {
      docker = await startDockerEngine();
      const d = docker;
      const dockerMem = async () => {
        const containerd = await pidsMatching(d.execRoot, /containerd(?!-shim)/);
        const shims = await pidsMatching(d.execRoot, /containerd-shim/);
        return (await rssKb(d.pid)) / 1024 + (await sumRss([...containerd.filter((p) => !shims.includes(p)), ...shims]));
      };
      sides.push({ name: "Docker Engine", cli: cli(d.socket), mem: dockerMem });
    } else opts.log("bench: dockerd not installed; figures without the Docker peer");
    const idle = new Map<string, number>();
    const ids = new Map<string, string>();
    for (const s of sides) {
      await s.cli("pull", "-q", image);
      idle.set(s.name, await s.mem());
      for (let i = 0; i < 20; i++) {
        const r = await s.cli("run", "-d", "--init", "--network", "none", image, "sleep", "600");
        ids.set(s.name, r.stdout.trim());
      }
    }
    const [mine, peer] = sides;
    const side = (s: (typeof sides)[number], args: string[]) => ({ name: s.name, run: async () => void (await s.cli(...args)) });
    yield await compare("api-ps", runs, side(mine!, ["ps"]), peer ? side(peer, ["ps"]) : undefined);
    yield await compare(
      "api-inspect",
      runs,
      side(mine!, ["inspect", ids.get(mine!.name)!]),
      peer ? side(peer, ["inspect", ids.get(peer.name)!]) : undefined,
    );
    for (const [name, get] of [["rss-idle", async (s: (typeof sides)[number]) => idle.get(s.name)!], ["rss-20", (s: (typeof sides)[number]) => s.mem()]] as const) {
      const a = await get(mine!);
      const fig: Figure = { name, unit: "MiB", runs: 1, tstack: { median: a, min: a, max: a }, note: "engine + per-container monitors (Docker: dockerd + containerd + shims)" };
      if (!peer) {
        yield fig;
        continue;
      }
      const b = await get(peer);
      yield { ...fig, baseline: { name: peer.name, median: b, min: b, max: b }, ratio: a / b };
    }
    for (const s of sides) {
      const all = (await s.cli("ps", "-aq")).stdout.split("\n").filter(Boolean);
      if (all.length) await s.cli("rm", "-f", ...all);
    }
  } finally {
    if (engine && engine.exitCode === null) {
      const exited = new Promise((r) => engine!.once("exit", r));
      engine.kill("SIGTERM");
      await exited;
    }
    await docker?.stop();
    await registry.stop();
    await rm(work, { recursive: true, force: true });
    await rm(roots.base, { recursive: true, force: true });
    await rm(roots.runRoot, { recursive: true, force: true });
  }
}
