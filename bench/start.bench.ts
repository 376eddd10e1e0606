import { mkdtemp, readFile, rm, writeFile, access, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { compare, stats, type Figure } from "./harness.ts";
import { startRegistry } from "../test/fixtures/registry.ts";
import { buildFixtureImages, pushFixtureImages } from "../test/fixtures/images.ts";
import { openEngine } from "../src/runtime/engine.ts";

// start: create + start until the container's process has run (it writes a marker file
// into a bind-mounted directory), against bare `runc run` of the same bundle (the floor).
const exists = (p: string) => access(p).then(() => true, () => false);

async function waitFor(path: string): Promise<void> {
  while (!(await exists(path))) await new Promise((r) => setImmediate(r));
}

function rssKb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0));
}

export async function* run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> {
  const runs = opts.runs ?? 20;
  const work = await mkdtemp(join(tmpdir(), "tstack-bench-start-"));
  const runRoot = await mkdtemp("/run/tsb-");
  const registry = await startRegistry(join(work, "registry"));
  const engine = await openEngine({ stateRoot: join(work, "state"), runRoot });
  const markers = join(work, "markers");
  await mkdir(markers);
  try {
    await pushFixtureImages(await buildFixtureImages(join(work, "fixtures")), registry.addr);
    const image = `${registry.addr}/busybox:latest`;
    await engine.images.pull(image);
    let n = 0;
    let marker = "";
    const create = () =>
      engine.containers.create({
        image,
        options: { cmd: ["sh", "-c", `echo > /m/${n}`] },
        networking: { mode: { kind: "none" } },
        mounts: [{ type: "bind", source: markers, target: "/m" }],
      });
    // The floor's bundle: the same config.json runc gets from tstack, over a plain directory.
    const probe = await create();
    await engine.containers.start(probe.id);
    await engine.containers.wait(probe.id, "not-running");
    // The per-container files (hosts, resolv.conf, hostname) go with the probe: keep copies.
    const probeDir = engine.paths.container(probe.id).dir;
    const files = join(work, "files");
    await execa("cp", ["-a", probeDir, files]);
    const specText = (await readFile(join(engine.paths.container(probe.id).bundle, "config.json"), "utf8")).replaceAll(probeDir, files);
    const spec = JSON.parse(specText) as Record<string, unknown>;
    const bundle = join(work, "bundle");
    await mkdir(join(bundle, "rootfs"), { recursive: true });
    const img = await engine.images.get(image);
    await execa("cp", ["-a", `${engine.snapshotter.fsPath(img.chainIds[0]!)}/.`, join(bundle, "rootfs")]);
    await engine.containers.remove(probe.id);
    const runcRoot = join(runRoot, "floor");
    let created = "";
    yield await compare(
      "start",
      runs,
      {
        name: "tstack",
        prepare: async () => {
          if (created) await engine.containers.remove(created, { force: true });
          n++;
          marker = join(markers, String(n));
        },
        run: async () => {
          const c = await create();
          created = c.id;
          await engine.containers.start(c.id);
          await waitFor(marker);
        },
      },
      {
        name: "runc run",
        prepare: async () => {
          n++;
          marker = join(markers, String(n));
          const s = { ...spec, root: { path: "rootfs" }, process: { ...(spec["process"] as object), args: ["sh", "-c", `echo > /m/${n}`] } };
          delete (s as Record<string, unknown>)["hooks"];
          (s as unknown as { linux: { cgroupsPath?: string } }).linux.cgroupsPath = `/tstack-floor-${n}`;
          await writeFile(join(bundle, "config.json"), JSON.stringify(s).replace(/"(hard|soft)":\s*1\.8446744073709552e\+19/g, '"$1":18446744073709551615'));
        },
        run: async () => {
          await execa("runc", ["--root", runcRoot, "run", "--bundle", bundle, `floor-${n}`], { stdin: "ignore" });
          await waitFor(marker);
        },
      },
    );
    if (created) await engine.containers.remove(created, { force: true });
    // Memory: the shim of each running container and the engine itself with 20 running.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await engine.containers.create({ image, options: { cmd: ["sleep", "600"] }, init: true, networking: { mode: { kind: "none" } } });
      await engine.containers.start(c.id);
      ids.push(c.id);
    }
    const shimRss = await Promise.all(ids.map((id) => rssKb(engine.containers.get(id).state.shimPid)));
    const s = stats(shimRss.map((k) => k / 1024));
    yield { name: "shim-rss", unit: "MiB", runs: shimRss.length, tstack: s, note: "RSS of one container's tstack-shim" };
    const engineRss = (await rssKb(process.pid)) / 1024;
    yield { name: "engine-rss-20", unit: "MiB", runs: 1, tstack: { median: engineRss, min: engineRss, max: engineRss }, note: "engine process (in the bench process) with 20 running containers" };
    await Promise.all(ids.map((id) => engine.containers.remove(id, { force: true })));
  } finally {
    for (const c of engine.containers.list()) await engine.containers.remove(c.id, { force: true }).catch(() => undefined);
    await engine.close();
    await registry.stop();
    await rm(work, { recursive: true, force: true });
    await rm(runRoot, { recursive: true, force: true });
  }
}
