import { describe, it, expect, inject } from "vitest";
import type { EngineEnv } from "../support/engine-env.ts";
import { engineWith } from "../support/engine-fixture.ts";
import type { LogEntry } from "../../src/runtime/logs/log-reader.ts";

const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;

async function collect(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.stream}: ${e.log.trimEnd()}`);
  return out;
}

describe("containers on runc", () => {
  const env = engineWith(busybox);

  it("runs a command to completion, records its exit code and captures both streams", async () => {
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "echo out; echo err >&2; exit 3"] },
      networking: { mode: { kind: "none" } },
    });
    const waiting = env.engine.containers.wait(c.id, "next-exit");
    await env.engine.containers.start(c.id);
    expect(await waiting).toEqual({ exitCode: 3 });
    const rec = env.engine.containers.get(c.id);
    expect(rec.state.status).toBe("exited");
    expect(rec.state.exitCode).toBe(3);
    expect(await collect(env.engine.containers.logs(c.id))).toEqual(["stdout: out", "stderr: err"]);
  });
});

describe("container resources, mounts and lifecycle", () => {
  const env = engineWith(busybox);
  const none = { mode: { kind: "none" as const } };

  async function run(cmd: string, extra: Partial<Parameters<EngineEnv["engine"]["containers"]["create"]>[0]> = {}) {
    const c = await env.engine.containers.create({ image: busybox, networking: none, ...extra, options: { cmd: ["sh", "-c", cmd], ...(extra.options ?? {}) } });
    const waiting = env.engine.containers.wait(c.id, "next-exit");
    await env.engine.containers.start(c.id);
    const { exitCode } = await waiting;
    const logs = await collect(env.engine.containers.logs(c.id));
    return { id: c.id, exitCode, logs, rec: env.engine.containers.get(c.id) };
  }

  it("a process over its memory limit is OOM-killed: exit 137 and OOMKilled", async () => {
    // 64 MiB limit; the shell builds a string far larger than that.
    const r = await run("x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived", {
      options: { resources: { memory: 64 * 1024 * 1024, memorySwap: 64 * 1024 * 1024 } },
    });
    expect(r.exitCode).toBe(137);
    expect(r.rec.state.oomKilled).toBe(true);
    expect(r.logs).not.toContain("stdout: survived");
  });

  it("a fork bomb stops at the pids limit", async () => {
    // Forks until the kernel refuses; the shell then gives up ("can't fork").
    const r = await run("i=0; while [ $i -lt 500 ]; do sleep 30 & i=$((i+1)); echo $i; done", {
      options: { resources: { pidsLimit: 20 } },
    });
    const counts = r.logs.filter((l) => l.startsWith("stdout: ")).map((l) => Number(l.slice(8)));
    expect(Math.max(...counts)).toBeLessThan(20);
    expect(r.logs.some((l) => l.startsWith("stderr:") && /fork/i.test(l))).toBe(true);
    expect(r.exitCode).not.toBe(0);
  });

  it("a read-only bind mount refuses writes, a read-write one takes them", async () => {
    const { mkdtemp, readFile, rm } = await import("node:fs/promises");
    const dir = await mkdtemp("/tmp/tstack-bind-");
    try {
      const r = await run("echo hi > /rw/f && (echo no > /ro/f && echo wrote || echo refused)", {
        mounts: [
          { type: "bind", source: dir, target: "/rw" },
          { type: "bind", source: dir, target: "/ro", readonly: true },
        ],
      });
      expect(r.logs).toContain("stdout: refused");
      expect(await readFile(`${dir}/f`, "utf8")).toBe("hi\n");
      await expect(run("true", { mounts: [{ type: "bind", source: "/nonexistent/tstack", target: "/x" }] })).rejects.toThrow(
        /bind source path does not exist/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a named volume is pre-filled from the image and outlives its container", async () => {
    const first = await run("ls /var/www && echo data > /var/www/state", { mounts: [{ type: "volume", name: "webdata", target: "/var/www" }] });
    expect(first.logs).toContain("stdout: index.html");
    await env.engine.containers.remove(first.id);
    const second = await run("cat /var/www/state", { mounts: [{ type: "volume", name: "webdata", target: "/var/www" }] });
    expect(second.logs).toEqual(["stdout: data"]);
    await env.engine.containers.remove(second.id);
    expect(env.engine.volumes.find("webdata")).toBeDefined();
    await env.engine.volumes.remove("webdata", { inUse: env.engine.containers.volumeInUse("webdata") });
  });

  it("tmpfs, working dir, user and env reach the process", async () => {
    const r = await run("id -u; pwd; echo $GREETING; mount | grep ' /scratch ' | cut -d' ' -f5", {
      options: { user: "app", workingDir: "/work/dir", env: ["GREETING=hello"] },
      mounts: [{ type: "tmpfs", target: "/scratch", size: 1024 * 1024 }],
    });
    expect(r.logs).toEqual(["stdout: 1000", "stdout: /work/dir", "stdout: hello", "stdout: tmpfs"]);
  });

  it("restart policy on-failure:3 restarts three times, then stops", async () => {
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "echo run; exit 1"] },
      networking: none,
      restartPolicy: { name: "on-failure", maximumRetryCount: 3 },
    });
    await env.engine.containers.start(c.id);
    const { exitCode } = await env.engine.containers.wait(c.id, "not-running");
    expect(exitCode).toBe(1);
    const rec = env.engine.containers.get(c.id);
    expect(rec.state.status).toBe("exited");
    expect(rec.state.restartCount).toBe(3);
    expect((await collect(env.engine.containers.logs(c.id))).filter((l) => l === "stdout: run")).toHaveLength(4);
  });

  it("a healthcheck goes starting → healthy → unhealthy when the probe starts failing", async () => {
    const statuses: string[] = [];
    const off = env.engine.events.on((e) => {
      if (e.action.startsWith("health_status")) statuses.push(e.action);
    });
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "touch /tmp/ok; sleep 1.5; rm /tmp/ok; sleep 60"] },
      networking: none,
      healthcheck: { Test: ["CMD", "test", "-f", "/tmp/ok"], Interval: 200e6, Retries: 2, Timeout: 2e9 },
    });
    await env.engine.containers.start(c.id);
    const deadline = Date.now() + 15_000;
    while (!statuses.includes("health_status: unhealthy") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    off();
    expect(statuses).toEqual(["health_status: healthy", "health_status: unhealthy"]);
    const h = env.engine.containers.get(c.id).state.health!;
    expect(h.status).toBe("unhealthy");
    expect(h.log.at(-1)?.exitCode).toBe(1);
    await env.engine.containers.remove(c.id, { force: true });
  });

  it("stop escalates to SIGKILL when the process ignores its stop signal, and says so", async () => {
    const c = await env.engine.containers.create({ image: busybox, options: { cmd: ["sleep", "60"] }, networking: none });
    await env.engine.containers.start(c.id);
    const r = await env.engine.containers.stop(c.id, 1);
    expect(r).toEqual({ escalated: true, alreadyStopped: false });
    expect(env.engine.containers.get(c.id).state.exitCode).toBe(137);
    // With an init as PID 1 the same command stops on SIGTERM at once.
    const d = await env.engine.containers.create({ image: busybox, options: { cmd: ["sleep", "60"] }, init: true, networking: none });
    await env.engine.containers.start(d.id);
    expect(await env.engine.containers.stop(d.id, 5)).toEqual({ escalated: false, alreadyStopped: false });
  });

  it("exec runs in the running container with its own exit code; pause freezes it", async () => {
    const c = await env.engine.containers.create({ image: busybox, options: { cmd: ["sleep", "60"] }, init: true, networking: none });
    await env.engine.containers.start(c.id);
    const execId = await env.engine.containers.createExec(c.id, { cmd: ["sh", "-c", "echo in-exec; exit 5"] });
    const handle = await env.engine.containers.execs.start(execId, { attach: true });
    const chunks: string[] = [];
    for await (const f of handle!.output) chunks.push(f.data.toString());
    expect(chunks.join("")).toBe("in-exec\n");
    const deadline = Date.now() + 5000;
    while ((await env.engine.containers.inspectExec(execId)).running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await env.engine.containers.inspectExec(execId)).exitCode).toBe(5);
    await env.engine.containers.pause(c.id);
    expect(env.engine.containers.get(c.id).state.status).toBe("paused");
    await env.engine.containers.unpause(c.id);
    expect((await env.engine.containers.stats(c.id)).pidsCurrent).toBeGreaterThanOrEqual(2);
    const { access } = await import("node:fs/promises");
    const execDir = env.engine.paths.execDir(execId);
    await access(execDir);
    await env.engine.containers.remove(c.id, { force: true });
    // The exec's state (attach socket, exit file) goes with its container.
    await expect(access(execDir)).rejects.toThrow(/ENOENT/);
  });
});

describe("container lifecycle across restarts", () => {
  const env = engineWith(busybox);
  const none = { mode: { kind: "none" as const } };

  it("logs -f follows a container across its restarts", async () => {
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "echo tick; sleep 0.3; exit 1"] },
      networking: none,
      restartPolicy: { name: "on-failure", maximumRetryCount: 2 },
    });
    await env.engine.containers.start(c.id);
    const seen: string[] = [];
    for await (const e of env.engine.containers.logs(c.id, { follow: true })) seen.push(e.log.trim());
    expect(seen).toEqual(["tick", "tick", "tick"]);
  });

  it("a TTY container gets a terminal that can be resized", async () => {
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "read x; stty size"], tty: true, openStdin: true },
      networking: none,
    });
    await env.engine.containers.start(c.id);
    const a = await env.engine.containers.attach(c.id);
    a.resize(33, 101);
    a.write(Buffer.from("go\n"));
    let out = "";
    for await (const f of a.output) out += f.data.toString();
    expect(out).toContain("33 101");
    await env.engine.containers.wait(c.id, "not-running");
  });

  it("cpus: 0.5 caps a busy loop near half a core", async () => {
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "while :; do :; done"], resources: { cpus: 0.5 } },
      networking: none,
      init: true,
    });
    await env.engine.containers.start(c.id);
    await new Promise((r) => setTimeout(r, 300));
    const a = await env.engine.containers.stats(c.id);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    const b = await env.engine.containers.stats(c.id);
    const cores = (b.cpuUsageNs - a.cpuUsageNs) / 1e6 / (Date.now() - t0);
    expect(cores).toBeGreaterThan(0.3);
    expect(cores).toBeLessThan(0.65);
    await env.engine.containers.remove(c.id, { force: true });
  });

  it("restart policies hold across an engine restart; an explicit stop is respected", async () => {
    const stopped = await env.engine.containers.create({ image: busybox, options: { cmd: ["sleep", "600"] }, init: true, networking: none, restartPolicy: { name: "always" } });
    await env.engine.containers.start(stopped.id);
    await env.engine.containers.stop(stopped.id, 5);
    const dies = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "sleep 1; exit 2"] },
      networking: none,
      restartPolicy: { name: "unless-stopped" },
    });
    await env.engine.containers.start(dies.id);
    await env.engine.close();
    // The second container exits while no engine runs; its shim records the exit.
    await new Promise((r) => setTimeout(r, 1500));
    const engine = await env.reopen();
    const deadline = Date.now() + 10_000;
    while (engine.containers.get(dies.id).state.restartCount < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(engine.containers.get(dies.id).state.restartCount).toBeGreaterThanOrEqual(1);
    expect(engine.containers.get(stopped.id).state.status).toBe("exited");
    await engine.containers.remove(dies.id, { force: true });
  });

  it("renames, and wait(removed) resolves when the container goes", async () => {
    const c = await env.engine.containers.create({ image: busybox, options: { cmd: ["true"] }, networking: none });
    await env.engine.containers.rename(c.id, "renamed-one");
    expect(env.engine.containers.get("renamed-one").id).toBe(c.id);
    const gone = env.engine.containers.wait(c.id, "removed");
    await env.engine.containers.remove(c.id);
    await gone;
    expect(() => env.engine.containers.get(c.id)).toThrow(/No such container/);
  });
});
