import { describe, it, expect, inject } from "vitest";
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { execa } from "execa";
import { makeEngineRoots, openEngineEnv } from "../support/engine-env.ts";

const busybox = `${inject("registry")}/busybox:latest`;

async function hostLinks(): Promise<string[]> {
  const { stdout } = await execa("ip", ["-o", "link", "show"]);
  return stdout.split("\n").map((l) => l.split(": ")[1]?.split("@")[0] ?? "").filter(Boolean);
}

describe("killing the engine in the middle of bringing up networked containers", () => {
  it("after a restart everything is accounted for, and removing it all leaves nothing behind", async () => {
    const before = new Set(await hostLinks());
    const roots = await makeEngineRoots();
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/engine-child-up.ts", roots.stateRoot, roots.runRoot, busybox], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const started: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.on("line", (l) => {
        started.push(l.split(" ")[1]!);
        if (started.length === 3) resolve();
      });
      child.once("exit", (code) => reject(new Error(`engine child exited early (${code})`)));
    });
    child.kill("SIGKILL");
    await exited;

    await using env = await openEngineEnv(roots);
    const engine = env.engine;
    // Every started container is still running, with its published port.
    for (const id of started) {
      const rec = engine.containers.get(id);
      expect(rec.state.status).toBe("running");
      const port = rec.state.ports[0]!.hostPort;
      const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      expect(body).toContain("tstack busybox");
    }
    const net = engine.networks.inspect("crashnet");
    const { subnet, bridge } = net;
    // forwarding survived the crash too: accepted per network, no firewall plugin per container
    expect((await execa("iptables", ["-w", "-S", "TSTACK-FORWARD"])).stdout).toContain(`-i ${bridge} `);
    for (const c of engine.containers.list()) await engine.containers.remove(c.id, { force: true });
    await engine.networks.removeNetwork("crashnet");
    // Nothing of the removed containers and network stays on the host.
    expect(await readdir(join(roots.runRoot, "netns")).catch(() => [])).toEqual([]);
    const after = (await hostLinks()).filter((l) => !before.has(l));
    // Only the engine's default network bridge may remain (removed when the env is disposed).
    expect(after.filter((l) => !engine.networks.list().some((n) => l === `tst-${n.id.slice(0, 11)}`))).toEqual([]);
    const rules = (await execa("nft", ["list", "ruleset"])).stdout;
    expect(rules).not.toContain(subnet);
    // nor the per-network forwarding rules (they name the bridge, not the subnet)
    expect(rules).not.toContain(bridge);
    const mounts = await readFile("/proc/self/mountinfo", "utf8");
    expect(mounts).not.toContain(roots.stateRoot);
  });
});
