// Scenarios for src/network against the real CNI plugins, iptables-nft and network namespaces.
// "Containers" are network namespaces with busybox/node processes in them. Traffic stays on
// loopback, the host's own address (192.0.2.2), the bridges created here and an "outside host"
// (a netns behind a veth pair, 198.51.100.2) that only forwarded traffic can reach.
import { createServer, type Server, type Socket } from "node:net";
import { createSocket } from "node:dgram";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import dnsPacket from "dns-packet";
import { createNetworkManager, type NetworkManager, type NetworkManagerDeps } from "../../src/network/index.ts";
import { eventually, httpGetIn, runIn, startHttpd, startUdpEcho } from "../../src/network/testing.ts";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import type { ProcessRunner } from "../../src/common/spawn/process-runner.ts";

const HOST_IP = "192.0.2.2";
const stops: (() => Promise<unknown>)[] = [];
let work: string;

async function sh(cmd: string): Promise<string> {
  return String((await execa("sh", ["-c", cmd], { reject: false })).stdout);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "0.0.0.0", () => r()));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function httpGet(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return r.text();
}

function udpAsk(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      reject(new Error(`no UDP answer from ${host}:${port}`));
    }, 3000);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      resolve(String(m));
    });
    s.send(msg, port, host);
  });
}

// A fake upstream resolver on loopback: every A query gets 203.0.113.7.
async function fakeUpstream(): Promise<{ port: number; close(): void }> {
  const up = createSocket("udp4");
  up.on("message", (m, r) => {
    const q = dnsPacket.decode(m);
    const name = q.questions?.[0]?.name ?? "";
    const answers = q.questions?.[0]?.type === "A" ? [{ type: "A" as const, name, ttl: 60, data: "203.0.113.7" }] : [];
    up.send(dnsPacket.encode({ type: "response", id: q.id ?? 0, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions ?? [], answers }), r.port, r.address);
  });
  await new Promise<void>((r) => up.bind(0, "127.0.0.1", () => r()));
  return { port: up.address().port, close: () => up.close() };
}

function deps(root: string, upstreamPort: number, extra: Partial<NetworkManagerDeps> = {}): NetworkManagerDeps {
  return {
    stateRoot: join(root, "state"),
    runRoot: join(root, "run"),
    runner: childProcessRunner(),
    upstreamDns: async () => [{ host: "127.0.0.1", port: upstreamPort }],
    addressPools: [{ base: "10.231.0.0/16", size: 24 }],
    ...extra,
  };
}

async function leases(stateRoot: string): Promise<string[]> {
  const dir = join(stateRoot, "cni", "ipam");
  const out: string[] = [];
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    for (const f of await readdir(join(dir, n)).catch(() => [] as string[])) if (/^\d+\.\d+\.\d+\.\d+$/.test(f)) out.push(`${n}/${f}`);
  }
  return out;
}

/**
 * Sets the FORWARD policy to DROP, as on any host where Docker runs, so that only what tstack's
 * rules accept is forwarded. Returns the restore step (also queued for the file's cleanup).
 */
async function forwardPolicyDrop(): Promise<() => Promise<void>> {
  const listing = (await execa("iptables", ["-w", "-S", "FORWARD"])).stdout;
  const saved = /^-P FORWARD (\w+)/m.exec(listing)?.[1];
  if (saved === undefined) throw new Error(`no FORWARD policy in: ${listing}`);
  let restored = false;
  const restore = async () => {
    if (restored) return;
    restored = true;
    await execa("iptables", ["-w", "-P", "FORWARD", saved]);
  };
  stops.push(restore);
  await execa("iptables", ["-w", "-P", "FORWARD", "DROP"]);
  return restore;
}

const OUTSIDE_IP = "198.51.100.2";

/**
 * A host outside: a netns behind a veth pair (host side 198.51.100.1), serving HTTP. Reaching it
 * from a container crosses FORWARD (container bridge → veth), unlike the host's own addresses.
 */
async function outsideHost(body: string): Promise<{ netnsPath: string; close(): Promise<void> }> {
  const name = `tstack-it-out-${process.pid}`;
  const link = `tsito${process.pid % 100000}`;
  const netnsPath = `/run/netns/${name}`;
  let httpd: { kill(): Promise<unknown> } | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await httpd?.kill();
    await execa("ip", ["link", "del", link], { reject: false });
    await execa("ip", ["netns", "del", name], { reject: false });
  };
  stops.push(close);
  await execa("ip", ["netns", "add", name]);
  await execa("ip", ["link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", name]);
  await execa("ip", ["addr", "add", "198.51.100.1/24", "dev", link]);
  await execa("ip", ["link", "set", link, "up"]);
  await execa("ip", ["-n", name, "addr", "add", `${OUTSIDE_IP}/24`, "dev", "eth0"]);
  await execa("ip", ["-n", name, "link", "set", "eth0", "up"]);
  await execa("ip", ["-n", name, "link", "set", "lo", "up"]);
  // back to the host only: containers' traffic arrives masqueraded to 198.51.100.1
  httpd = await startHttpd(netnsPath, body);
  return { netnsPath, close };
}

/** A TCP server on the host (all addresses) answering every connection with `body`. */
async function hostServer(body: string): Promise<{ port: number; close(): Promise<void> }> {
  const conns = new Set<Socket>();
  const s = createServer((c) => {
    conns.add(c);
    c.once("close", () => conns.delete(c));
    c.end(`HTTP/1.0 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  });
  await new Promise<void>((r) => s.listen(0, "0.0.0.0", () => r()));
  // A client whose namespace is gone never sends its FIN: close() must not wait for it.
  const close = () => new Promise<void>((r) => (s.close(() => r()), conns.forEach((c) => c.destroy())));
  stops.push(close);
  return { port: (s.address() as { port: number }).port, close };
}

// Everything of ours the kernel could still hold, for "nothing remains" assertions.
async function leftovers(root: string, bridges: readonly string[], containerIds: readonly string[]) {
  const mounts = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").filter((l) => l.includes(join(root, "run", "netns") + "/"));
  const links = JSON.parse(await sh("ip -j link show")) as { ifname: string; master?: string }[];
  const rules = (await sh("iptables-save")).split("\n").filter((l) => containerIds.some((id) => l.includes(id)) || bridges.some((b) => l.includes(b)));
  return {
    mounts,
    bridges: links.filter((l) => bridges.includes(l.ifname)).map((l) => l.ifname),
    veths: links.filter((l) => l.master !== undefined && bridges.includes(l.master)).map((l) => l.ifname),
    rules,
    leases: await leases(join(root, "state")),
    records: await readdir(join(root, "state", "cni", "attachments")).catch(() => []),
  };
}

// Every mount left under the test's directory, deepest first (netns files, then their directories).
async function unmountAll(dir: string): Promise<void> {
  const points = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").map((l) => l.split(" ")[4] ?? "").filter((p) => p.startsWith(dir + "/"));
  for (const p of points.sort((a, b) => b.length - a.length)) await execa("umount", ["--lazy", p], { reject: false });
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("network integration tests need root");
  work = await mkdtemp(join(tmpdir(), "tstack-net-it-"));
});

afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  await unmountAll(work);
  await rm(work, { recursive: true, force: true });
});

// All of it on a host whose FORWARD policy is DROP: tstack's own rules must forward what should pass.
describe("two containers on one network, a third on another", () => {
  let m: NetworkManager;
  let restorePolicy: () => Promise<void> = async () => undefined;
  let outside: Awaited<ReturnType<typeof outsideHost>> | undefined;
  let onHost: Awaited<ReturnType<typeof hostServer>> | undefined;
  let root: string;
  const ids = { web: "it-web-1", api: "it-api-1", other: "it-other-1" };
  let resolvConf: string;
  let webIp = "";
  let tcpPort = 0;
  let udpPort = 0;
  let randomPort = 0;
  const local: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(work, "s1-"));
    const upstream = await fakeUpstream();
    stops.push(async () => upstream.close());
    m = await createNetworkManager(deps(root, upstream.port));
    restorePolicy = await forwardPolicyDrop();
    outside = await outsideHost("hello from outside");
    onHost = await hostServer("hello from the host");
  });

  // Cleanup runs even when a step fails: processes, then detach, destroy, remove, stop listeners.
  afterAll(async () => {
    try {
      for (const s of local.reverse()) await s().catch(() => undefined);
      await Promise.allSettled(Object.values(ids).map((id) => m.detachAll(id)));
      await Promise.allSettled(Object.values(ids).map((id) => m.destroySandbox(id)));
      for (const n of m.list()) await m.removeNetwork(n.id).catch(() => undefined);
      await m.close();
      await outside?.close();
      await onHost?.close();
    } finally {
      await restorePolicy();
    }
  });

  it("runs with FORWARD policy DROP", async () => {
    expect((await execa("iptables", ["-w", "-S", "FORWARD"])).stdout).toMatch(/^-P FORWARD DROP$/m);
  });

  beforeAll(async () => {
    const front = await m.createNetwork({ name: "it-front" });
    const back = await m.createNetwork({ name: "it-back" });
    expect(front.subnet).toBe("10.231.0.0/24");
    expect(back.subnet).toBe("10.231.1.0/24");
    tcpPort = await freePort();
    udpPort = await freePort();

    const web = await m.createSandbox(ids.web);
    const api = await m.createSandbox(ids.api);
    const other = await m.createSandbox(ids.other);
    const a = await m.attach(ids.web, web.netnsPath, "it-front", {
      names: ["it-web-1", "web"],
      aliases: ["www"],
      portMappings: [
        { hostPort: tcpPort, containerPort: 80, protocol: "tcp" },
        { hostPort: 0, containerPort: 80, protocol: "tcp" },
        { hostPort: udpPort, containerPort: 9000, protocol: "udp" },
      ],
    });
    webIp = a.ip;
    randomPort = a.hostPorts[1]!.hostPort;
    await m.attach(ids.api, api.netnsPath, "it-front", { names: ["it-api-1", "api"] });
    await m.attach(ids.other, other.netnsPath, "it-back", { names: ["it-other-1", "other"] });
    for (const [id, path] of [[ids.web, web.netnsPath], [ids.api, api.netnsPath], [ids.other, other.netnsPath]] as const) {
      const p = await startHttpd(path, `hello from ${id}`);
      local.push(() => p.kill());
    }
    const echo = await startUdpEcho(web.netnsPath, 9000, "web");
    local.push(() => echo.kill());
    resolvConf = join(root, "resolv.conf");
    await writeFile(resolvConf, `nameserver ${a.dnsServer}\n`);
  });

  const get = (id: string, url: string) => httpGetIn(join(root, "run", "netns", id), url, resolvConf);

  it("fetch each other by name and alias", async () => {
    expect(await get(ids.api, "http://web/")).toBe("hello from it-web-1");
    expect(await get(ids.api, "http://www/")).toBe("hello from it-web-1");
    expect(await get(ids.web, "http://it-api-1/")).toBe("hello from it-api-1");
  });

  it("a container on another network neither resolves nor reaches them", async () => {
    const ns = await runIn(join(root, "run", "netns", ids.other), ["/bin/busybox", "nslookup", "web", m.inspect("it-back").gateway]);
    expect(ns.stdout + ns.stderr).not.toContain(webIp);
    // its own network works, the other one does not
    expect(await get(ids.other, "http://127.0.0.1/")).toBe("hello from it-other-1");
    expect(await get(ids.other, `http://${webIp}/`)).toMatch(/^ERR /);
  });

  it("reach a host outside through the host's forwarding, and the host's and another network's gateway addresses", async () => {
    expect(await get(ids.web, `http://${OUTSIDE_IP}/`)).toBe("hello from outside");
    expect(await get(ids.other, `http://${OUTSIDE_IP}/`)).toBe("hello from outside");
    expect(await get(ids.web, `http://${HOST_IP}:${onHost!.port}/`)).toBe("hello from the host");
    expect(await get(ids.web, `http://${m.inspect("it-back").gateway}:${onHost!.port}/`)).toBe("hello from the host");
    expect(await get(ids.other, `http://${m.inspect("it-front").gateway}:${onHost!.port}/`)).toBe("hello from the host");
  });

  it("forwards other names to the (fake) upstream", async () => {
    const r = await runIn(join(root, "run", "netns", ids.web), ["/bin/busybox", "nslookup", "example.org", m.inspect("it-front").gateway]);
    expect(r.stdout).toContain("203.0.113.7");
  });

  it("published tcp and udp ports answer on 127.0.0.1 and on the host's address", async () => {
    expect(await httpGet(`http://127.0.0.1:${tcpPort}/`)).toBe("hello from it-web-1");
    expect(await httpGet(`http://${HOST_IP}:${tcpPort}/`)).toBe("hello from it-web-1");
    // the echo server is a node process that needs a moment to bind
    expect(await eventually(async () => (await udpAsk("127.0.0.1", udpPort, "ping").catch(() => "")) === "web:ping", 8000)).toBe(true);
    expect(await udpAsk(HOST_IP, udpPort, "pong")).toBe("web:pong");
  });

  it("reports the random host port, which answers", async () => {
    expect(randomPort).toBeGreaterThan(0);
    expect(randomPort).not.toBe(tcpPort);
    expect(await httpGet(`http://127.0.0.1:${randomPort}/`)).toBe("hello from it-web-1");
  });

  it("hairpin: containers reach a published port through the host's address", async () => {
    expect(await get(ids.api, `http://${HOST_IP}:${tcpPort}/`)).toBe("hello from it-web-1");
    expect(await get(ids.web, `http://${HOST_IP}:${tcpPort}/`)).toBe("hello from it-web-1");
    // and a container of another network through the host port (published = public)
    expect(await get(ids.other, `http://${HOST_IP}:${tcpPort}/`)).toBe("hello from it-web-1");
  });

  it("refuses a port tstack already published, naming the container", async () => {
    await expect(m.checkPorts([{ hostPort: tcpPort, containerPort: 80, protocol: "tcp" }])).rejects.toThrow(`port ${tcpPort}/tcp is already published by container ${ids.web}`);
  });

  it("names disappear when a container detaches", async () => {
    const gw = m.inspect("it-front").gateway;
    await m.detach(ids.api, "it-front");
    const r = await runIn(join(root, "run", "netns", ids.web), ["/bin/busybox", "nslookup", "api", gw]);
    expect(r.stdout).not.toMatch(/Address: 10\.231/);
    await expect(m.removeNetwork("it-front")).rejects.toThrow(/has active endpoints: it-web-1/);
  });
});

describe("a host port in use", () => {
  it("is a clear error naming the holder, and nothing is created", async () => {
    const root = await mkdtemp(join(work, "s2-"));
    const m = await createNetworkManager(deps(root, 9));
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, "0.0.0.0", () => r()));
    const port = (holder.address() as { port: number }).port;
    try {
      const net = await m.createNetwork({ name: "it-busy" });
      const { netnsPath } = await m.createSandbox("it-busy-1");
      await expect(m.attach("it-busy-1", netnsPath, net.id, { portMappings: [{ hostPort: port, containerPort: 80, protocol: "tcp" }] })).rejects.toThrow(
        new RegExp(`port ${port}/tcp is already in use by pid ${process.pid} \\(node\\)`),
      );
      const left = await leftovers(root, [net.bridge], ["it-busy-1"]);
      expect(left.veths).toEqual([]);
      expect(left.leases).toEqual([]);
      expect(left.records).toEqual([]);
      expect((await sh("ip netns identify " + netnsPath + " ; nsenter --net=" + netnsPath + " ip -o link")).split("\n").filter((l) => l.includes("eth0"))).toEqual([]);
    } finally {
      holder.close();
      await m.destroySandbox("it-busy-1").catch(() => undefined);
      for (const n of m.list()) await m.removeNetwork(n.id).catch(() => undefined);
      await m.close();
    }
  });
});

describe("an internal network", () => {
  it("has no route out: no default route, no masquerade, host unreachable; inside, with FORWARD policy DROP, it works", async () => {
    const root = await mkdtemp(join(work, "s3-"));
    const m = await createNetworkManager(deps(root, 9));
    const restorePolicy = await forwardPolicyDrop();
    const local: (() => Promise<unknown>)[] = [];
    try {
      const net = await m.createNetwork({ name: "it-internal", internal: true, subnet: "10.232.5.0/24" });
      const a = await m.createSandbox("it-int-1");
      const b = await m.createSandbox("it-int-2");
      const ia = await m.attach("it-int-1", a.netnsPath, net.id, { names: ["a"] });
      await m.attach("it-int-2", b.netnsPath, net.id, { names: ["b"], ipv4Address: "10.232.5.77" });
      const httpd = await startHttpd(b.netnsPath, "hello from b");
      local.push(() => httpd.kill());
      const outside = await outsideHost("hello from outside");
      local.push(() => outside.close());
      const routes = await runIn(a.netnsPath, ["ip", "-4", "route"]);
      expect(routes.stdout).not.toContain("default");
      expect(routes.stdout).toContain("10.232.5.0/24");
      expect((await sh("iptables-save -t nat")).split("\n").filter((l) => l.includes("10.232.5.") && l.includes("MASQUERADE"))).toEqual([]);
      expect(await httpGetIn(a.netnsPath, `http://${HOST_IP}:18080/`)).toBe("ERR ENETUNREACH");
      // inside the network, names, static addresses and traffic between its containers work
      // (bridged traffic crosses FORWARD here: br_netfilter)
      const ns = await runIn(a.netnsPath, ["/bin/busybox", "nslookup", "b", ia.dnsServer]);
      expect(ns.stdout).toContain("10.232.5.77");
      expect(await httpGetIn(a.netnsPath, "http://10.232.5.77/")).toBe("hello from b");
      // and nothing outside gets in, even with a route to it through the host
      await execa("ip", ["-n", outside.netnsPath.split("/").pop()!, "route", "add", "10.232.5.0/24", "via", "198.51.100.1"]);
      expect(await httpGetIn(outside.netnsPath, "http://10.232.5.77/")).toMatch(/^ERR /);
    } finally {
      try {
        for (const s of local.reverse()) await s().catch(() => undefined);
        await Promise.allSettled(["it-int-1", "it-int-2"].map((id) => m.detachAll(id)));
        await Promise.allSettled(["it-int-1", "it-int-2"].map((id) => m.destroySandbox(id)));
        for (const n of m.list()) await m.removeNetwork(n.id).catch(() => undefined);
        await m.close();
      } finally {
        await restorePolicy();
      }
    }
  });
});

describe("crash and reclaim", () => {
  it("a new manager's reclaim([]) releases everything a dropped one left", async () => {
    const root = await mkdtemp(join(work, "s4-"));
    const containers = ["it-crash-1", "it-crash-2", "it-crash-3"];
    // m1's `ip link del` fails, as if the engine died in the middle of removing a network.
    const real = childProcessRunner();
    const dying: ProcessRunner = {
      run: (f, a, o) => (f === "ip" && a[1] === "del" ? (o?.allowFailure ? Promise.resolve({ exitCode: 1, stdout: "", stderr: "killed", timedOut: false }) : Promise.reject(new Error("ip del: killed"))) : real.run(f, a, o)),
      pipe: real.pipe,
    };
    const m1 = await createNetworkManager(deps(root, 9, { runner: dying }));
    const kept = await m1.createNetwork({ name: "it-crash" });
    const orphan = await m1.createNetwork({ name: "it-crash-orphan" });
    const bridges = [kept.bridge, orphan.bridge];
    let m2: NetworkManager | undefined;
    try {
      for (const [i, id] of containers.entries()) {
        const { netnsPath } = await m1.createSandbox(id);
        await m1.attach(id, netnsPath, i === 2 ? orphan.id : kept.id, { names: [id], portMappings: [{ hostPort: 0, containerPort: 80, protocol: "tcp" }] });
      }
      const before = await leftovers(root, bridges, containers);
      const ourChains = [...new Set(before.rules.flatMap((l) => [...l.matchAll(/-j (CNI-(?:DN-)?[0-9a-f]{16,})/g)].map((x) => x[1]!)))];
      expect(before.veths).toHaveLength(3);
      expect(before.leases).toHaveLength(3);
      expect(before.mounts).toHaveLength(3);
      // forwarding is accepted per network (two rules each), not per container
      expect(before.rules.filter((l) => l.startsWith("-A TSTACK-FORWARD ")).length).toBe(4);
      expect(before.rules.filter((l) => l.includes("CNI-FORWARD"))).toEqual([]);
      await m1.detachAll("it-crash-3");
      await expect(m1.removeNetwork(orphan.id)).rejects.toThrow(/cannot delete bridge/);
      // The process "dies": its sockets go (close() only frees the DNS listeners), nothing else is cleaned.
      await m1.close();

      m2 = await createNetworkManager(deps(root, 9));
      const report = await m2.reclaim([]);
      expect(report.errors).toEqual([]);
      expect(report.detached).toBe(2);
      expect(report.namespaces).toBe(3);
      expect(m2.list().map((n) => n.name)).toEqual(["it-crash"]);
      expect(report.bridges).toEqual([orphan.bridge]);
      await m2.removeNetwork(kept.id);
      const after = await leftovers(root, bridges, containers);
      expect(after).toEqual({ mounts: [], bridges: [], veths: [], rules: [], leases: [], records: [] });
      // No rule names a removed bridge, in TSTACK-FORWARD (per network) least of all; `after.rules`
      // above already covers every table, this says which chain matters.
      expect((await sh("iptables -w -S TSTACK-FORWARD")).split("\n").filter((l) => bridges.some((b) => l.includes(b)))).toEqual([]);
      // The per-container chains (portmap's CNI-DN-<hash>) are gone; only portmap's base chains and
      // the empty TSTACK-ISOLATION/-2 and TSTACK-FORWARD chains stay, by design. tstack no longer
      // runs the firewall plugin, so it creates no CNI-FORWARD/CNI-ADMIN (an older version's stay).
      const chainsNow = (await sh("iptables-save")).split("\n").filter((l) => l.startsWith(":")).map((l) => l.split(" ")[0]!.slice(1));
      // portmap's CNI-DN-<hash> per container with ports (masquerade is one rule per network now).
      expect(ourChains.length).toBeGreaterThanOrEqual(3);
      expect(chainsNow.filter((c) => ourChains.includes(c))).toEqual([]);
    } finally {
      const m = m2 ?? m1;
      await m.reclaim([]).catch(() => undefined);
      for (const n of m.list()) await m.removeNetwork(n.id).catch(() => undefined);
      await m.close();
      await m1.close();
    }
  });
});
