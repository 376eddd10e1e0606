import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { compare, stats, timeMs, type Figure } from "./harness.ts";
import { childProcessRunner } from "../src/common/spawn/child-process-runner.ts";
import { buildConflist, createNetworkManager } from "../src/network/index.ts";
import { pluginStdin } from "../src/network/cni-invoker.ts";
import { runIn } from "../src/network/testing.ts";

// net: per-container network setup + teardown (CNI ADD + DEL with bridge and portmap)
//      through tstack's network manager, against the same plugins run from a shell script.
// dns-lookup: a service-name lookup from inside a container's namespace to the engine's DNS.
export async function* run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> {
  const runs = opts.runs ?? 20;
  const work = await mkdtemp(join(tmpdir(), "tstack-bench-net-"));
  const m = await createNetworkManager({
    stateRoot: join(work, "state"),
    runRoot: join(work, "run"),
    runner: childProcessRunner(),
    upstreamDns: async () => [],
    addressPools: [{ base: "10.233.0.0/16", size: 24 }],
  });
  const ids = ["b-floor", "b-dns", "b-peer", ...Array.from({ length: 20 }, (_, i) => `b-${i}`)];
  try {
    await m.createNetwork({ name: "bench" });
    const { netnsPath } = await m.createSandbox("b-floor");
    const conf = buildConflist(m.inspect("bench"), { ipamDataDir: join(work, "state", "cni", "ipam") });
    const dir = join(work, "floor");
    await mkdir(dir);
    const rt = { containerId: "b-floor", netnsPath, ifname: "eth0", portMappings: [{ hostPort: 28080, containerPort: 80, protocol: "tcp" as const }] };
    for (const p of conf.plugins) await writeFile(join(dir, `${p.type}.json`), pluginStdin(conf, p, rt, undefined));
    const floorScript = join(import.meta.dirname, "../src/network/scripts/cni-floor.sh");
    yield await compare(
      "net",
      runs,
      {
        name: "tstack",
        run: async () => {
          await m.attach("b-floor", netnsPath, "bench", { names: ["f"], portMappings: [{ hostPort: 28080, containerPort: 80, protocol: "tcp" }] });
          await m.detach("b-floor", "bench");
        },
      },
      { name: "plugins from a shell", run: async () => void (await execa(floorScript, [dir, netnsPath, "b-floor", ...conf.plugins.map((p) => p.type)])) },
    );

    // Teardown of 20 attached containers at once (what `down` does).
    const many = ids.slice(3);
    for (const id of many) {
      const s = await m.createSandbox(id);
      await m.attach(id, s.netnsPath, "bench", { names: [id] });
    }
    const par = await timeMs(() => Promise.all(many.map((id) => m.detachAll(id))));
    yield { name: "net-teardown-20", unit: "ms", runs: 1, tstack: { median: par, min: par, max: par }, note: "CNI DEL of 20 containers in parallel" };

    const a = await m.createSandbox("b-dns");
    const at = await m.attach("b-dns", a.netnsPath, "bench", { names: ["asker"] });
    const dnsPacket = join(import.meta.dirname, "../node_modules/dns-packet");
    const client = `
      const dgram=require("dgram"),dp=require(${JSON.stringify(dnsPacket)});
      const s=dgram.createSocket("udp4");
      const q=(n)=>new Promise(r=>{s.once("message",m=>r(dp.decode(m)));s.send(dp.encode({type:"query",id:1,questions:[{type:"A",name:n}]}),53,${JSON.stringify(at.dnsServer)})});
      (async()=>{const xs=[];for(let i=0;i<200;i++){const t=process.hrtime.bigint();const r=await q("asker");if(!(r.answers||[]).length)throw new Error("no answer");xs.push(Number(process.hrtime.bigint()-t)/1000)}
        console.log(JSON.stringify(xs));process.exit(0)})();`;
    const r = await runIn(a.netnsPath, [process.execPath, "-e", client]);
    if (r.exitCode !== 0) throw new Error(`dns client failed: ${r.stderr}`);
    const xs = JSON.parse(r.stdout.trim()) as number[];
    yield { name: "dns-lookup", unit: "µs", runs: xs.length, tstack: stats(xs), note: "A query for a container name, from its network namespace" };
  } finally {
    await Promise.allSettled(ids.map(async (id) => {
      await m.detachAll(id).catch(() => undefined);
      await m.destroySandbox(id).catch(() => undefined);
    }));
    for (const n of m.list()) await m.removeNetwork(n.id).catch(() => undefined);
    await m.close();
    const mounts = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").map((l) => l.split(" ")[4] ?? "").filter((p) => p.startsWith(`${work}/`));
    for (const p of mounts.sort((x, y) => y.length - x.length)) await execa("umount", ["--lazy", p], { reject: false });
    await rm(work, { recursive: true, force: true });
  }
}
