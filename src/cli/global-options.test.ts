import { describe, expect, it } from "vitest";
import { buildProgram, type Invocation } from "./program.ts";
import { globalOptionsOf, splitList, useColor, type RawGlobalOptions } from "./global-options.ts";
import { upOptionsOf } from "./commands/up.ts";
import { downOptionsOf } from "./commands/down.ts";
import { psOptionsOf } from "./commands/ps.ts";
import { logsOptionsOf } from "./commands/logs.ts";
import { execOptionsOf } from "./commands/exec.ts";
import { runOptionsOf } from "./commands/run.ts";
import { configOptionsOf } from "./commands/config.ts";
import { watchCommandOf } from "./commands/watch.ts";
import { daemonPathsOf } from "./engine-paths.ts";
import { engineAddressOf, endpointOf } from "./engine-connection.ts";

async function parse(argv: string[]): Promise<{ inv: Invocation; global: RawGlobalOptions }> {
  let got: { inv: Invocation; global: RawGlobalOptions } | undefined;
  const program = buildProgram("0.0.0", async (inv, global) => void (got = { inv, global: global as RawGlobalOptions }), { writeOut: () => {}, writeErr: () => {} });
  await program.parseAsync(argv, { from: "user" });
  if (got === undefined) throw new Error("nothing dispatched");
  return got;
}

describe("global options", () => {
  it("collects repeatable flags and applies the environment", async () => {
    const { global } = await parse(["-f", "a.yaml", "-f", "-", "-p", "demo", "--profile", "dev,debug", "--profile", "x", "--env-file", "e1", "--progress", "plain", "--debug", "ps"]);
    const g = globalOptionsOf(global, { DOCKER_HOST: "unix:///var/run/docker.sock" });
    expect(g).toEqual({
      files: ["a.yaml", "-"],
      projectName: "demo",
      profiles: ["dev", "debug", "x"],
      envFiles: ["e1"],
      host: "unix:///var/run/docker.sock",
      ansi: "auto",
      progress: "plain",
      debug: true,
    });
  });
  it("prefers --host over DOCKER_HOST and rejects bad modes", async () => {
    const { global } = await parse(["--host", "tcp://127.0.0.1:2375", "ps"]);
    expect(globalOptionsOf(global, { DOCKER_HOST: "unix:///x" }).host).toBe("tcp://127.0.0.1:2375");
    expect(() => globalOptionsOf({ progress: "fancy" }, {})).toThrow(/--progress/);
  });
  it("splits profile lists and decides colours", () => {
    expect(splitList(" a, b,,c ")).toEqual(["a", "b", "c"]);
    expect(useColor("auto", true, {})).toBe(true);
    expect(useColor("auto", true, { NO_COLOR: "1" })).toBe(false);
    expect(useColor("auto", false, {})).toBe(false);
    expect(useColor("always", false, {})).toBe(true);
  });
});

describe("command options", () => {
  it("up", async () => {
    const { inv } = await parse(["up", "-d", "--no-deps", "--scale", "web=3", "--scale", "db=0", "--pull", "never", "-t", "5", "--no-recreate", "web", "db"]);
    expect(upOptionsOf(inv).up).toMatchObject({
      services: ["web", "db"],
      then: { kind: "detach" },
      noDeps: true,
      noRecreate: true,
      forceRecreate: false,
      scale: { web: 3, db: 0 },
      pull: "never",
      timeoutSeconds: 5,
      noStart: false,
    });
  });
  it("up rejects contradictions and bad scales", async () => {
    await expect(parse(["up", "-d", "--abort-on-container-exit"]).then(({ inv }) => upOptionsOf(inv))).rejects.toThrow(/incompatible/);
    await expect(parse(["up", "--scale", "web"]).then(({ inv }) => upOptionsOf(inv))).rejects.toThrow(/SERVICE=NUMBER/);
    const { inv } = await parse(["up", "--wait", "--wait-timeout", "30"]);
    expect(upOptionsOf(inv).up.then).toEqual({ kind: "wait", timeoutSeconds: 30 });
    const attached = upOptionsOf((await parse(["up", "--exit-code-from", "test", "--no-log-prefix", "--no-color"])).inv);
    expect(attached).toMatchObject({ up: { then: { kind: "attach", abortOnContainerExit: true, exitCodeFrom: "test" } }, logPrefix: false, color: false });
  });
  it("watch, and up --watch (attached only)", async () => {
    expect(watchCommandOf((await parse(["watch"])).inv)).toEqual({ services: [], noUp: false, prune: false, quiet: false });
    expect(watchCommandOf((await parse(["watch", "--no-up", "--prune", "--quiet", "web", "api"])).inv)).toEqual({ services: ["web", "api"], noUp: true, prune: true, quiet: true });
    expect(upOptionsOf((await parse(["up", "--watch"])).inv)).toMatchObject({ watch: true, up: { then: { kind: "attach" } } });
    expect(upOptionsOf((await parse(["up"])).inv).watch).toBe(false);
    await expect(parse(["up", "-d", "--watch"]).then(({ inv }) => upOptionsOf(inv))).rejects.toThrow("--watch watches an attached up: it cannot be combined with --detach");
    await expect(parse(["up", "--wait", "--watch"]).then(({ inv }) => upOptionsOf(inv))).rejects.toThrow(/with --wait/);
  });
  it("down, ps, logs", async () => {
    expect(downOptionsOf((await parse(["down", "-v", "--rmi", "local", "--remove-orphans", "-t", "0"])).inv)).toEqual({
      services: [],
      volumes: true,
      rmi: "local",
      removeOrphans: true,
      timeoutSeconds: 0,
      dryRun: false,
    });
    expect(psOptionsOf((await parse(["ps", "-a", "--status", "running", "--status", "exited", "--format", "json", "web"])).inv)).toEqual({
      services: ["web"],
      all: true,
      quiet: false,
      servicesOnly: false,
      status: ["running", "exited"],
      format: "json",
    });
    expect(logsOptionsOf((await parse(["logs", "-f", "--tail", "10", "--since", "5m", "-t", "--no-color", "--no-log-prefix", "a", "b"])).inv)).toEqual({
      services: ["a", "b"],
      follow: true,
      tail: "10",
      since: "5m",
      timestamps: true,
      color: false,
      prefix: false,
    });
  });
  it("exec and run keep the command's own flags", async () => {
    const e = execOptionsOf((await parse(["exec", "-T", "-e", "A=1", "-u", "root", "--index", "2", "web", "ls", "-la"])).inv);
    expect(e).toEqual({ service: "web", command: ["ls", "-la"], tty: false, interactive: true, detach: false, env: ["A=1"], user: "root", index: 2, privileged: false });
    const r = runOptionsOf((await parse(["run", "--rm", "--no-deps", "-p", "8080:80", "--entrypoint", "sh -c", "web", "echo", "-n", "hi"])).inv);
    expect(r).toMatchObject({ service: "web", command: ["echo", "-n", "hi"], rm: true, noDeps: true, publish: ["8080:80"], entrypoint: "sh -c", servicePorts: false });
  });
  it("config", async () => {
    expect(configOptionsOf((await parse(["config", "--hash", "web,db"])).inv).view).toEqual({ hash: ["web", "db"] });
    expect(configOptionsOf((await parse(["config", "--services"])).inv).view).toBe("services");
    expect(configOptionsOf((await parse(["config", "--format", "json"])).inv).format).toBe("json");
  });
  it("engine subcommands", async () => {
    expect((await parse(["engine"])).inv.command).toBe("engine");
    expect((await parse(["engine", "stop", "--timeout", "5"])).inv).toEqual({ command: "engine stop", args: [], options: { timeout: 5 } });
  });
});

describe("engine endpoint", () => {
  it("uses tstack's socket unless a host is given; roots are overridable", () => {
    const paths = daemonPathsOf({ TSTACK_RUN_ROOT: "/tmp/r", TSTACK_STATE_ROOT: "/tmp/s" });
    expect(paths).toEqual({ stateRoot: "/tmp/s", runRoot: "/tmp/r", socket: "/tmp/r/engine.sock", pidFile: "/tmp/r/engine.pid", logFile: "/tmp/r/engine.log" });
    expect(daemonPathsOf({}).logFile).toBe("/var/log/tstack-engine.log");
    expect(daemonPathsOf({ TSTACK_SOCKET: "/x.sock" }).socket).toBe("/x.sock");
    expect(endpointOf(undefined, paths)).toEqual({ kind: "tstack", socketPath: "/tmp/r/engine.sock", address: { kind: "unix", socketPath: "/tmp/r/engine.sock" } });
    expect(endpointOf("unix:///var/run/docker.sock", paths)).toMatchObject({ kind: "docker-host", address: { kind: "unix", socketPath: "/var/run/docker.sock" } });
  });
  it("takes --parallel over COMPOSE_PARALLEL_LIMIT; -1 or nothing is unlimited; refuses nonsense", () => {
    expect(globalOptionsOf({}, {}).parallel).toBeUndefined();
    expect(globalOptionsOf({}, { COMPOSE_PARALLEL_LIMIT: "4" }).parallel).toBe(4);
    expect(globalOptionsOf({ parallel: "2" }, { COMPOSE_PARALLEL_LIMIT: "4" }).parallel).toBe(2);
    expect(globalOptionsOf({ parallel: "-1" }, { COMPOSE_PARALLEL_LIMIT: "4" }).parallel).toBeUndefined();
    expect(() => globalOptionsOf({ parallel: "0" }, {})).toThrow(/--parallel/);
    expect(() => globalOptionsOf({ parallel: "x" }, {})).toThrow(/--parallel/);
  });
  it("parses DOCKER_HOST forms", () => {
    expect(engineAddressOf("tcp://127.0.0.1:2375")).toEqual({ kind: "tcp", protocol: "http", host: "127.0.0.1", port: 2375 });
    expect(engineAddressOf("https://[::1]:2376")).toEqual({ kind: "tcp", protocol: "https", host: "::1", port: 2376 });
    expect(engineAddressOf("/run/docker.sock")).toEqual({ kind: "unix", socketPath: "/run/docker.sock" });
    expect(() => engineAddressOf("ssh://me@host")).toThrow(/unsupported engine host/);
  });
});
