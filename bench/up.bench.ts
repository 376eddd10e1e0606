import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stats, timeMs, type Figure } from "./harness.ts";
import { startRegistry } from "../test/fixtures/registry.ts";
import { buildFixtureImages, pushFixtureImages } from "../test/fixtures/images.ts";
import { makeEngineRoots } from "../test/support/engine-env.ts";
import { dockerdAvailable, startDockerEngine, type DockerEngine } from "../test/support/docker-engine.ts";

// up-20 / up-noop / down-20: `tstack up -d` of 20 busybox services (images present), a no-op
// `up -d`, and `down -t 0`, each against docker-compose (Debian's v1 client) on Docker Engine
// in the same run, alternating.
export async function* run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> {
  const runs = opts.runs ?? 5;
  const work = await mkdtemp(join(tmpdir(), "tstack-bench-up-"));
  const registry = await startRegistry(join(work, "registry"));
  const roots = await makeEngineRoots();
  let docker: DockerEngine | undefined;
  const tenv = { TSTACK_STATE_ROOT: roots.stateRoot, TSTACK_RUN_ROOT: roots.runRoot };
  const tstack = (...args: string[]) => execa(join(process.cwd(), "bin/tstack.js"), args, { cwd: work, env: tenv });
  try {
    await pushFixtureImages(await buildFixtureImages(join(work, "fixtures")), registry.addr);
    const services = Array.from({ length: 20 }, (_, i) =>
      `  s${i + 1}:\n    image: ${registry.addr}/busybox:latest\n    command: ["sleep", "600"]\n    init: true\n`,
    ).join("");
    await writeFile(join(work, "compose.yaml"), `services:\n${services}`);
    await writeFile(join(work, "docker-compose.yml"), `version: "3.8"\nservices:\n${services}`);
    await tstack("-p", "bench", "pull");
    const sides: { name: string; cmd: (...a: string[]) => Promise<unknown> }[] = [
      { name: "tstack", cmd: (...a) => tstack("-p", "bench", ...a) },
    ];
    if (await dockerdAvailable()) {
      docker = await startDockerEngine();
      const denv = { DOCKER_HOST: `unix://${docker.socket}` };
      const dc = (...a: string[]) => execa("docker-compose", ["-p", "bench", "-f", "docker-compose.yml", ...a], { cwd: work, env: denv });
      await dc("pull", "-q");
      sides.push({ name: "docker-compose + Docker", cmd: dc });
    } else opts.log("bench: dockerd not installed; figures without the Docker peer");
    // The floor of a no-op for any Node.js client here (node's own start is most of it).
    const socket = join(roots.runRoot, "engine.sock");
    const floor = () => execa(process.execPath, [join(process.cwd(), "bench/floor/observe-floor.mjs"), socket, "bench", join(work, "compose.yaml")]);
    const floorSamples: number[] = [];
    const samples = new Map<string, { up: number[]; noop: number[]; down: number[] }>(sides.map((s) => [s.name, { up: [], noop: [], down: [] }]));
    for (let i = 0; i < runs; i++) {
      for (const side of sides) {
        const s = samples.get(side.name)!;
        s.up.push(await timeMs(() => side.cmd("up", "-d")));
        s.noop.push(await timeMs(() => side.cmd("up", "-d")));
        if (side.name === "tstack") floorSamples.push(await timeMs(floor));
        s.down.push(await timeMs(() => side.cmd("down", "-t", "0")));
      }
    }
    const t = samples.get("tstack")!;
    const floorStats = stats(floorSamples);
    yield {
      name: "up-noop-floor",
      unit: "ms",
      runs,
      tstack: stats(t.noop),
      baseline: { name: "node + the same 3 API calls", ...floorStats },
      ratio: stats(t.noop).median / floorStats.median,
    };
    const d = samples.get("docker-compose + Docker");
    for (const [name, key] of [["up-20", "up"], ["up-noop", "noop"], ["down-20", "down"]] as const) {
      const mine = stats(t[key]);
      if (!d) {
        yield { name, unit: "ms", runs, tstack: mine };
        continue;
      }
      const peer = stats(d[key]);
      yield { name, unit: "ms", runs, tstack: mine, baseline: { name: "docker-compose + Docker", ...peer }, ratio: mine.median / peer.median };
    }
  } finally {
    await tstack("-p", "bench", "down", "-t", "0").catch(() => undefined);
    await tstack("engine", "stop").catch(() => undefined);
    await docker?.stop();
    await registry.stop();
    await rm(work, { recursive: true, force: true });
    await rm(roots.base, { recursive: true, force: true });
    await rm(roots.runRoot, { recursive: true, force: true });
  }
}
