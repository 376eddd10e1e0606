// Measurements for src/network/README.md (printed, with loose sanity bounds only).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import { buildConflist, createNetworkManager, renderHostsFile, rewriteInPlace, type NetworkManager } from "../../src/network/index.ts";
import { pluginStdin } from "../../src/network/cni-invoker.ts";
import { runIn } from "../../src/network/testing.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const N = 20;
let work: string;
let m: NetworkManager;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "tstack-net-bench-"));
  m = await createNetworkManager({
    stateRoot: join(work, "state"),
    runRoot: join(work, "run"),
    upstreamDns: async () => [],
    addressPools: [{ base: "10.233.0.0/16", size: 24 }],
  });
  await m.createNetwork({ name: "bench" });
});

afterAll(async () => {
  await Promise.allSettled(["b-dns", "b-peer", "b-floor", ...Array.from({ length: N }, (_, i) => `b-${i}`)].map(async (id) => {
    await m.detachAll(id).catch(() => undefined);
    await m.destroySandbox(id).catch(() => undefined);
  }));
  for (const n of m.list()) await m.removeNetwork(n.id).catch(() => undefined);
  await m.close();
  const mi = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").map((l) => l.split(" ")[4] ?? "").filter((p) => p.startsWith(work + "/"));
  for (const p of mi.sort((a, b) => b.length - a.length)) await execa("umount", ["--lazy", p], { reject: false });
  await rm(work, { recursive: true, force: true });
});

describe("network measurements", () => {
  it("per-container ADD+DEL through the manager vs the plugins from a shell", async () => {
    const { netnsPath } = await m.createSandbox("b-floor");
    const net = m.inspect("bench");
    const conf = buildConflist(net, { ipamDataDir: join(work, "state", "cni", "ipam") });
    const dir = join(work, "floor");
    await execa("mkdir", ["-p", dir]);
    const rt = { containerId: "b-floor", netnsPath, ifname: "eth0", portMappings: [{ hostPort: 28080, containerPort: 80, protocol: "tcp" as const }] };
    for (const p of conf.plugins) await writeFile(join(dir, `${p.type}.json`), pluginStdin(conf, p, rt, undefined));
    const floor: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await execa(join(import.meta.dirname, "../../src/network/scripts/cni-floor.sh"), [dir, netnsPath, "b-floor"]);
      floor.push(performance.now() - t);
    }
    const add: number[] = [];
    const del: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await m.attach("b-floor", netnsPath, "bench", { names: ["f"], portMappings: [{ hostPort: 28080, containerPort: 80, protocol: "tcp" }] });
      const t1 = performance.now();
      await m.detach("b-floor", "bench");
      del.push(performance.now() - t1);
      add.push(t1 - t0);
    }
    const total = add.map((a, i) => a + del[i]!);
    console.log(`[bench] ADD+DEL (bridge+portmap+firewall) median of ${N}: manager ${median(total).toFixed(0)} ms (ADD ${median(add).toFixed(0)}, DEL ${median(del).toFixed(0)}); shell floor ${median(floor).toFixed(0)} ms`);
    // parallel teardown of N containers
    const ids = Array.from({ length: N }, (_, i) => `b-${i}`);
    for (const id of ids) {
      const { netnsPath: p } = await m.createSandbox(id);
      await m.attach(id, p, "bench", { names: [id] });
    }
    const tp = performance.now();
    await Promise.all(ids.map((id) => m.detachAll(id)));
    const par = performance.now() - tp;
    console.log(`[bench] detach of ${N} containers in parallel: ${par.toFixed(0)} ms (sequential would be ≈ ${(N * median(del)).toFixed(0)} ms)`);
    await Promise.all(ids.map((id) => m.destroySandbox(id)));
    expect(median(total)).toBeGreaterThan(0);
  });

  it("DNS: lookup latency, time until a new name is visible, and the hosts-file alternative", async () => {
    const a = await m.createSandbox("b-dns");
    const at = await m.attach("b-dns", a.netnsPath, "bench", { names: ["asker"] });
    const peer = await m.createSandbox("b-peer");
    // A node client inside the namespace: 200 sequential A queries for a peer name; median in µs.
    const client = `
      const dgram=require("dgram"),dp=require(${JSON.stringify(require_("dns-packet"))});
      const s=dgram.createSocket("udp4");const q=(n)=>new Promise(r=>{s.once("message",m=>r(dp.decode(m)));s.send(dp.encode({type:"query",id:1,questions:[{type:"A",name:n}]}),53,${JSON.stringify(at.dnsServer)})});
      (async()=>{const mode=process.argv[1];
        if(mode==="wait"){const t=Date.now();process.stdout.write("ready\\n");for(;;){const r=await q("newcomer");if((r.answers||[]).length){console.log(Date.now());process.exit(0)}}}
        const xs=[];for(let i=0;i<200;i++){const t=process.hrtime.bigint();const r=await q("asker");if(!(r.answers||[]).length)throw new Error("no answer");xs.push(Number(process.hrtime.bigint()-t)/1000)}
        xs.sort((a,b)=>a-b);console.log(xs[100].toFixed(0));process.exit(0)})();`;
    const lookup = await runIn(a.netnsPath, [process.execPath, "-e", client, "lookup"]);
    expect(lookup.exitCode, lookup.stderr + lookup.stdout).toBe(0);
    // Update latency: a poller inside the netns asks for "newcomer" until it appears.
    const poller = execa("nsenter", [`--net=${a.netnsPath}`, process.execPath, "-e", client, "wait"], { reject: false });
    await new Promise<void>((r) => poller.stdout!.once("data", () => r()));
    const t0 = Date.now();
    await m.attach("b-peer", peer.netnsPath, "bench", { names: ["newcomer"] });
    const seenAt = Number(String((await poller).stdout).trim().split("\n").pop());
    // Hosts-file alternative: rewrite 20 containers' hosts files in place, then getaddrinfo via /etc/hosts.
    const entries = Array.from({ length: 50 }, (_, i) => ({ ip: `10.233.0.${i + 2}`, names: [`svc-${i}`, `svc-${i}-1`] }));
    const files = Array.from({ length: N }, (_, i) => join(work, `hosts-${i}`));
    for (const f of files) await writeFile(f, renderHostsFile([]));
    const tw = performance.now();
    await Promise.all(files.map((f) => rewriteInPlace(f, renderHostsFile(entries))));
    const rewrite = performance.now() - tw;
    const hostsLookup = await execa("unshare", ["-m", "--propagation", "private", "sh", "-c", `mount --bind ${files[0]} /etc/hosts && exec ${process.execPath} -e '
      const dns=require("dns");const xs=[];(async()=>{for(let i=0;i<200;i++){const t=process.hrtime.bigint();await new Promise((r,j)=>dns.lookup("svc-7",{family:4},(e,a)=>e?j(e):r(a)));xs.push(Number(process.hrtime.bigint()-t)/1000)}xs.sort((a,b)=>a-b);console.log(xs[100].toFixed(0))})()'`]);
    console.log(
      `[bench] DNS lookup from a namespace (engine DNS, UDP, median of 200): ${lookup.stdout.trim()} µs; new name visible ${seenAt - t0} ms after attach began (attach itself included)`,
    );
    console.log(`[bench] hosts-file alternative: in-place rewrite of ${N} hosts files (50 entries) ${rewrite.toFixed(1)} ms; getaddrinfo via /etc/hosts median ${hostsLookup.stdout.trim()} µs`);
  });
});

function require_(mod: string): string {
  return join(import.meta.dirname, "../../node_modules", mod);
}
