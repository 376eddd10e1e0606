import { describe, expect, it } from "vitest";
import type { StreamSession } from "../engine-client/index.ts";
import { LABEL } from "../labels/index.ts";
import { exec } from "./exec.ts";
import { run, type RunOptions } from "./run.ts";
import type { SessionTerminal } from "./session-terminal.ts";
import { stackProject, testStack, upDetached } from "./testing.ts";
import { up } from "./up.ts";

const sp = stackProject(`
services:
  web: { image: nginx, depends_on: [db], ports: ["8080:80"] }
  db: { image: redis }
`);
const runOpts = (over: Partial<RunOptions> = {}): RunOptions => ({
  service: "web", command: ["echo", "hi"], rm: false, detach: false, env: [], labels: [], publish: [], servicePorts: false, noDeps: false, tty: false, interactive: false, name: "demo-web-run-1", ...over,
});

/** A terminal that records what it was shown. */
function recordingTerminal(): SessionTerminal & { readonly shown: string[]; readonly modes: unknown[] } {
  const shown: string[] = [];
  const modes: unknown[] = [];
  return {
    shown,
    modes,
    async connect(session: StreamSession, o) {
      modes.push(o);
      for await (const c of session.output) shown.push(`${c.stream}:${c.data.toString()}`);
    },
  };
}

describe("run", () => {
  it("starts the dependencies, not the service, and attaches before the start; returns the exit code", async () => {
    const { s, client } = testStack();
    client.exitOnStart.set("demo-web-run-1", 4);
    client.output.set("demo-web-run-1", [{ stream: "stdout", data: Buffer.from("hi\n") }]);
    const terminal = recordingTerminal();
    const r = await run(s, sp, runOpts({ env: ["A=1"], labels: ["x=y"] }), terminal);
    expect(r.exitCode).toBe(4);
    expect(terminal.shown).toEqual(["stdout:hi\n"]);
    expect([...client.containers.values()].map((c) => c.name).sort()).toEqual(["demo-db-1", "demo-web-run-1"]);
    const oneOff = [...client.containers.values()].find((c) => c.name === "demo-web-run-1")!;
    expect(oneOff.body).toMatchObject({ Cmd: ["echo", "hi"], Labels: { [LABEL.oneoff]: "True", x: "y" }, HostConfig: { PortBindings: {}, AutoRemove: false } });
    expect(oneOff.body.Env).toContain("A=1");
    expect(client.calls.indexOf(`attach ${oneOff.id}`)).toBeLessThan(client.calls.indexOf(`start ${oneOff.id}`));
  });

  it("detached, starts it and returns its ID; --rm waits for the removal", async () => {
    const { s, client } = testStack();
    const r = await run(s, sp, runOpts({ detach: true, noDeps: true }), recordingTerminal());
    expect(client.containers.get(r.id)?.status).toBe("running");
    expect([...client.containers.values()].map((c) => c.name)).toEqual(["demo-web-run-1"]);
    client.exitOnStart.set("demo-web-run-2", 0);
    const rm = await run(s, sp, runOpts({ rm: true, name: "demo-web-run-2" }), recordingTerminal());
    expect([rm.exitCode, client.containers.has(rm.id)]).toEqual([0, false]);
  });
});

describe("exec", () => {
  it("runs in the replica's running container and returns the command's exit code", async () => {
    const { s, client } = testStack();
    await up(s, sp, upDetached());
    client.execResult = (container, body) => ({ output: [{ stream: "stderr", data: Buffer.from(`${container}: ${body.Cmd.join(" ")}`) }], exitCode: 2 });
    const terminal = recordingTerminal();
    const o = { service: "web", index: 1, command: ["ls", "/x"], tty: true, interactive: true, detach: false, env: [], privileged: false };
    expect(await exec(s, "demo", o, terminal)).toBe(2);
    expect(terminal.shown).toEqual(["stderr:demo-web-1: ls /x"]);
    expect(terminal.modes).toEqual([{ tty: true, stdin: true }]);
    expect(await exec(s, "demo", { ...o, detach: true }, terminal)).toBe(0);
    await expect(exec(s, "demo", { ...o, index: 2 }, terminal)).rejects.toThrow(/service "web" is not running \(replica 2\)/);
  });
});
