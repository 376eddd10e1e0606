// Runs the real helper (native/build/tstack-spawn, built by `make -C native`); the mount tests
// need root (the unit project runs as root on the build machine) and clean up after themselves.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNotMounted, MountError, nativeSpawnerBinaryPath, startNativeSpawner, type NativeSpawner } from "./native-spawner.ts";
import { SpawnFailure } from "./process-runner.ts";
import { describeProcessRunner } from "./testing/process-runner-conformance.ts";

// TSTACK_SPAWN_BINARY: run the suite against another build (e.g. one with -fsanitize=address).
const binary = nativeSpawnerBinaryPath(process.env.TSTACK_SPAWN_BINARY);
let sp: NativeSpawner;
let work: string;

beforeAll(async () => {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build it with \`make -C native\` (scripts/setup.sh does)`);
  sp = await startNativeSpawner({ binary });
  work = await mkdtemp(join(tmpdir(), "tstack-native-spawner-"));
});

afterAll(async () => {
  await sp?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const isMountPoint = async (target: string) =>
  (await readFile("/proc/self/mountinfo", "utf8")).split("\n").some((l) => l.split(" ")[4] === target);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeProcessRunner("native spawner", () => sp);

describe("native spawner: run", () => {
  it("searches the PATH of the environment given, else its own", async () => {
    const bin = join(work, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "hello-tool"), "#!/bin/sh\necho hi from $0\n", { mode: 0o755 });
    await writeFile(join(bin, "not-exec"), "#!/bin/sh\n", { mode: 0o644 });
    const env = { PATH: `/nonexistent:${bin}:/bin` };
    expect((await sp.run("hello-tool", [], { env })).stdout).toBe(`hi from ${bin}/hello-tool\n`);
    // The helper's own PATH does not have it.
    expect(((await sp.run("hello-tool", []).catch((e: unknown) => e)) as SpawnFailure).code).toBe("ENOENT");
    expect(((await sp.run("not-exec", [], { env }).catch((e: unknown) => e)) as SpawnFailure).code).toBe("EACCES");
    // Without env, the helper's environment (this process's at start) and its PATH.
    expect((await sp.run("sh", ["-c", "echo $HOME"])).stdout).toBe(`${process.env.HOME ?? ""}\n`);
  });

  it("says so when cwd does not exist", async () => {
    const err = await sp.run("/bin/pwd", [], { cwd: join(work, "nope") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnFailure);
    expect((err as SpawnFailure).code).toBe("ENOENT");
    expect((err as Error).message).toContain("cwd");
  });

  it("counts merged output against the limit as one stream; a directory cannot run", async () => {
    const merged = await sp.run("/bin/sh", ["-c", "head -c 600 /dev/zero; head -c 600 /dev/zero >&2"], { maxBuffer: 1000, mergeOutput: true }).catch((e: unknown) => e);
    expect((merged as SpawnFailure).code).toBe("ENOBUFS");
    expect(((await sp.run("/etc", []).catch((e: unknown) => e)) as SpawnFailure).code).toBe("EACCES");
  });

  it("returns 10 MB of output on each stream intact", async () => {
    const size = 10 * 1024 * 1024;
    const line = "0123456789abcdef\n";
    const r = await sp.run("/bin/sh", ["-c", `yes 0123456789abcdef | head -c ${size} & yes 0123456789abcdef | head -c ${size} >&2; wait`]);
    const expected = line.repeat(Math.ceil(size / line.length)).slice(0, size);
    expect(r.stdout.length).toBe(size);
    expect(r.stdout === expected).toBe(true);
    expect(r.stderr === expected).toBe(true);
  });
});

describe("native spawner: runUntilLine", () => {
  it("answers at the first line with the pid and stderr so far; the program runs on in its own session", async () => {
    const r = await sp.runUntilLine({ file: "/bin/sh", args: ["-c", "echo starting >&2; echo ready; exec sleep 30"], detached: true });
    try {
      expect(r).toMatchObject({ line: "ready", stderr: "starting\n" });
      expect(r.exit).toBeUndefined();
      expect(alive(r.pid)).toBe(true);
      // Field 6 of /proc/PID/stat is the session id: its own.
      const stat = await readFile(`/proc/${r.pid}/stat`, "utf8");
      expect(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3])).toBe(r.pid);
    } finally {
      if (alive(r.pid)) process.kill(r.pid, "SIGKILL");
    }
    // The helper reaps it: no zombie stays behind.
    await eventually(() => !alive(r.pid));
  });

  it("reports the exit of a program that ends before a line", async () => {
    const r = await sp.runUntilLine({ file: "/bin/sh", args: ["-c", "printf partial; echo oops >&2; exit 4"] });
    expect(r.line).toBeUndefined();
    expect(r.pid).toBeGreaterThan(0);
    expect(r.stderr).toBe("oops\n");
    expect(r.exit).toEqual({ exitCode: 4, stdout: "partial", stderr: "oops\n" });
  });

  it("fails like run when the program cannot start", async () => {
    const err = await sp.runUntilLine({ file: "/no/such/shim", args: [] }).catch((e: unknown) => e);
    expect((err as SpawnFailure).code).toBe("ENOENT");
  });
});

describe("native spawner: mount", () => {
  it("mounts a tmpfs with flags and data, and unmounts it", async () => {
    const target = await mkdtemp(join(work, "tmpfs-"));
    await sp.mount({ type: "tmpfs", source: "tstack-test", target, options: ["nosuid", "nodev", "size=1m", "mode=700"] });
    try {
      const line = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").find((l) => l.split(" ")[4] === target) ?? "";
      expect(line).toMatch(/ rw,nosuid,nodev,/);
      expect(line).toContain(" - tmpfs tstack-test ");
      expect(line).toMatch(/size=1024k/);
      await writeFile(join(target, "f"), "x");
    } finally {
      await sp.umount(target);
    }
    expect(await isMountPoint(target)).toBe(false);
    expect(existsSync(join(target, "f"))).toBe(false);
  });

  it("rejects the umount of a non-mount point (EINVAL) and of a missing path (ENOENT) recognisably", async () => {
    const dir = await mkdtemp(join(work, "plain-"));
    const notMounted = await sp.umount(dir).catch((e: unknown) => e);
    expect(notMounted).toBeInstanceOf(MountError);
    expect((notMounted as MountError).code).toBe("EINVAL");
    expect((notMounted as MountError).message).toContain(dir);
    expect((notMounted as MountError).message).toContain("EINVAL");
    expect(isNotMounted(notMounted)).toBe(true);
    const missing = await sp.umount(join(dir, "nope"), { detach: true }).catch((e: unknown) => e);
    expect((missing as MountError).code).toBe("ENOENT");
    expect(isNotMounted(missing)).toBe(true);
    const bad = await sp.mount({ type: "no-such-fs", source: "x", target: dir, options: [] }).catch((e: unknown) => e);
    expect((bad as MountError).code).toBe("ENODEV");
    expect(isNotMounted(bad)).toBe(false);
  });

  it("mounts an overlay whose lowerdirs are relative to cwd", async () => {
    // overlay's upper dir cannot live on every filesystem: give it a tmpfs.
    const base = await mkdtemp(join(work, "overlay-"));
    await sp.mount({ type: "tmpfs", source: "tmpfs", target: base, options: [] });
    const merged = join(base, "merged");
    try {
      for (const d of ["layers/l1", "layers/l2", "upper", "work", "merged"]) await mkdir(join(base, d), { recursive: true });
      await writeFile(join(base, "layers/l1/top"), "from l1");
      await writeFile(join(base, "layers/l2/bottom"), "from l2");
      await sp.mount({
        type: "overlay",
        source: "overlay",
        target: merged,
        options: ["lowerdir=l1:l2", `upperdir=${base}/upper`, `workdir=${base}/work`],
        cwd: join(base, "layers"),
      });
      expect(await readFile(join(merged, "top"), "utf8")).toBe("from l1");
      expect(await readFile(join(merged, "bottom"), "utf8")).toBe("from l2");
      // The helper went back to its own directory: a later run without cwd starts there.
      expect((await sp.run("/bin/pwd", [])).stdout).toBe(`${process.cwd()}\n`);
      await sp.umount(merged);
    } finally {
      await sp.umount(merged, { detach: true }).catch(() => undefined);
      await sp.umount(base, { detach: true });
    }
  });

  it("makes a read-only bind mount (mount, then a remount of the bind)", async () => {
    const src = await mkdtemp(join(work, "bind-src-"));
    const dst = await mkdtemp(join(work, "bind-dst-"));
    await writeFile(join(src, "f"), "bound");
    await sp.mount({ type: "bind", source: src, target: dst, options: ["rbind", "ro", "rprivate"] });
    try {
      expect(await readFile(join(dst, "f"), "utf8")).toBe("bound");
      await expect(writeFile(join(dst, "g"), "x")).rejects.toMatchObject({ code: "EROFS" });
    } finally {
      await sp.umount(dst);
    }
  });
});

describe("native spawner: the helper process", () => {
  it("rejects what is in flight when the helper dies, and starts a new one for the next request", async () => {
    const pidFile = join(work, "orphan.pid");
    const before = sp.helperPid!;
    const pending = sp.run("/bin/sh", ["-c", `echo $$ > ${pidFile}; exec sleep 30`]);
    await eventually(() => existsSync(pidFile));
    const orphan = Number(await readFile(pidFile, "utf8"));
    try {
      process.kill(before, "SIGKILL");
      const err = await pending.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpawnFailure);
      expect((err as Error).message).toMatch(/tstack-spawn exited \(SIGKILL\)/);
      expect((await sp.run("/bin/echo", ["again"])).stdout).toBe("again\n");
      expect(sp.helperPid).not.toBe(before);
      // The dead helper killed nothing: its program ran on.
      expect(alive(orphan)).toBe(true);
    } finally {
      process.kill(orphan, "SIGKILL");
    }
  });

  it("never keeps its process alive while idle, but does while a request is in flight", async () => {
    const script = [
      `import { startNativeSpawner } from ${JSON.stringify(new URL("./native-spawner.ts", import.meta.url).href)};`,
      `const sp = await startNativeSpawner({ binary: ${JSON.stringify(binary)} });`,
      `await sp.run("/bin/true", []);`,
      `sp.run("/bin/sh", ["-c", "sleep 0.3; echo late"]).then((r) => console.log(r.stdout.trim()));`,
    ].join("\n");
    const file = join(work, "idle.mts");
    await writeFile(file, script);
    await chmod(file, 0o644);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--import", "tsx", file], { timeout: 15_000, cwd: process.cwd() }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    // It printed the late answer (kept alive for it), then exited on its own (not by timeout).
    expect(out).toBe("late\n");
  });

  it("fails to start clearly when the binary is missing", async () => {
    await expect(startNativeSpawner({ binary: join(work, "no-such-binary") })).rejects.toThrow(/cannot start the native spawner .*ENOENT/);
  });

  it("ends the helper on close; later requests reject", async () => {
    const own = await startNativeSpawner({ binary });
    const pid = own.helperPid!;
    await own.close();
    expect(alive(pid)).toBe(false);
    await expect(own.run("/bin/true", [])).rejects.toBeInstanceOf(SpawnFailure);
  });
});
