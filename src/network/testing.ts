// Helpers for the root-only integration tests of src/network: "containers" that are just a
// network namespace plus processes started in it (runc is not needed to test networking).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childProcessRunner } from "../common/spawn/child-process-runner.ts";

/** Starts a long-running process inside a netns; kill() ends it by its own PID. */
export async function startIn(netnsPath: string, argv: readonly string[]): Promise<{ pid: number; kill(): Promise<void> }> {
  const child: ChildProcess = spawn("nsenter", [`--net=${netnsPath}`, ...argv], { stdio: "ignore" });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", reject);
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    pid: child.pid!,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** busybox httpd on port 80 serving one file whose content is `body`. */
export async function startHttpd(netnsPath: string, body: string) {
  const dir = await mkdtemp(join(tmpdir(), "tstack-httpd-"));
  await writeFile(join(dir, "index.html"), body);
  const p = await startIn(netnsPath, ["/bin/busybox", "httpd", "-f", "-p", "80", "-h", dir]);
  return { pid: p.pid, kill: async () => (await p.kill(), await rm(dir, { recursive: true, force: true })) };
}

/** A UDP echo server (node) that answers "<tag>:<payload>". */
export function startUdpEcho(netnsPath: string, port: number, tag: string) {
  const js = `const s=require("dgram").createSocket("udp4");s.on("message",(m,r)=>s.send(${JSON.stringify(tag + ":")}+m,r.port,r.address));s.bind(${port});`;
  return startIn(netnsPath, [process.execPath, "-e", js]);
}

/**
 * Runs a command in a netns *and* a private mount namespace whose /etc/resolv.conf is `resolvConf`,
 * so name lookups go to the engine's DNS and never to the host's resolver.
 */
export async function runIn(netnsPath: string, argv: readonly string[], opts: { resolvConf?: string; timeoutMs?: number } = {}) {
  const args = opts.resolvConf
    ? ["-m", "--propagation", "private", "sh", "-c", 'mount --bind "$1" /etc/resolv.conf && shift 2 && exec nsenter --net="$0" "$@"', netnsPath, opts.resolvConf, "x", ...argv]
    : null;
  const runner = childProcessRunner();
  const o = { allowFailure: true, timeoutMs: opts.timeoutMs ?? 10_000 };
  const r = args ? await runner.run("unshare", args, o) : await runner.run("nsenter", [`--net=${netnsPath}`, ...argv], o);
  return { exitCode: r.timedOut ? -1 : r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/**
 * HTTP GET from inside a netns with node's fetch (getaddrinfo reads the bound resolv.conf);
 * Debian's static busybox wget crashes here. Resolves to the body, or "ERR <reason>".
 */
export async function httpGetIn(netnsPath: string, url: string, resolvConf?: string): Promise<string> {
  const js = `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(3000)}).then(r=>r.text()).then(t=>process.stdout.write(t),e=>process.stdout.write("ERR "+(e.cause?.code??e.name)))`;
  const r = await runIn(netnsPath, [process.execPath, "-e", js], resolvConf !== undefined ? { resolvConf } : {});
  return r.stdout;
}

/** Polls `check` until it returns true or the deadline passes (no fixed sleeps). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
