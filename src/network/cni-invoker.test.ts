import { describe, expect, it } from "vitest";
import { createCniInvoker, CniAddFailed } from "./cni-invoker.ts";
import type { ProcessRunner, RunResult } from "../common/spawn/process-runner.ts";
import { fakeProcessRunner } from "../common/spawn/testing/fake-process-runner.ts";
import type { Conflist } from "./conflist.ts";

const conf: Conflist = {
  cniVersion: "1.0.0",
  name: "tstack-net",
  plugins: [
    { type: "bridge", bridge: "tst-x", capabilities: { ips: true } },
    { type: "portmap", capabilities: { portMappings: true }, snat: true },
    { type: "bandwidth" },
  ],
};
const rt = { containerId: "c1", netnsPath: "/run/tstack/netns/c1", ifname: "eth0", portMappings: [{ hostPort: 8080, containerPort: 80, protocol: "tcp" as const }] };
const okResult = JSON.stringify({ cniVersion: "1.0.0", interfaces: [{ name: "eth0", mac: "aa:bb", sandbox: "/n" }], ips: [{ address: "10.0.0.2/24", interface: 0 }] });

interface Call { plugin: string; command: string; stdin: Record<string, unknown>; env: Record<string, string> }

function fakeRunner(respond: (c: Call) => Partial<RunResult>): { runner: ProcessRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner = fakeProcessRunner(({ file, options: o }) => {
    const env = { ...(o.env ?? {}) };
    const call: Call = { plugin: file.split("/").pop()!, command: env["CNI_COMMAND"]!, stdin: JSON.parse(String(o.input ?? "{}")), env };
    calls.push(call);
    return respond(call);
  });
  return { calls, runner };
}

const invokerWith = (runner: ProcessRunner) => createCniInvoker({ runner, cniPath: ["/cni"], resolvePlugin: (t) => `/cni/${t}` });

describe("CNI invoker", () => {
  it("runs ADD in order chaining prevResult, with name, version, env and capability-filtered runtimeConfig", async () => {
    const { runner, calls } = fakeRunner(() => ({ exitCode: 0, stdout: okResult, stderr: "" }));
    const r = await invokerWith(runner).add(conf, rt);
    expect(r.ips?.[0]?.address).toBe("10.0.0.2/24");
    expect(calls.map((c) => `${c.command} ${c.plugin}`)).toEqual(["ADD bridge", "ADD portmap", "ADD bandwidth"]);
    expect(calls[0]!.stdin).toMatchObject({ name: "tstack-net", cniVersion: "1.0.0", type: "bridge" });
    expect(calls[0]!.stdin["prevResult"]).toBeUndefined();
    expect(calls[0]!.stdin["runtimeConfig"]).toBeUndefined(); // bridge asks for ips, none given
    expect(calls[0]!.stdin["capabilities"]).toBeUndefined();
    expect(calls[1]!.stdin["runtimeConfig"]).toEqual({ portMappings: rt.portMappings });
    expect(calls[1]!.stdin["prevResult"]).toEqual(JSON.parse(okResult));
    expect(calls[2]!.stdin["runtimeConfig"]).toBeUndefined();
    expect(calls[0]!.env).toMatchObject({ CNI_COMMAND: "ADD", CNI_CONTAINERID: "c1", CNI_NETNS: rt.netnsPath, CNI_IFNAME: "eth0", CNI_PATH: "/cni" });
    expect(calls[0]!.env["PATH"]).toContain("/usr/sbin");
  });

  it("names the plugin and its message when ADD fails, and rolls back with DEL in reverse", async () => {
    const { runner, calls } = fakeRunner((c) =>
      c.command === "ADD" && c.plugin === "portmap"
        ? { exitCode: 1, stdout: JSON.stringify({ code: 999, msg: "iptables exploded", details: "rule 3" }), stderr: "" }
        : { exitCode: 0, stdout: c.command === "ADD" ? okResult : "", stderr: "" },
    );
    await expect(invokerWith(runner).add(conf, rt)).rejects.toThrow("CNI plugin portmap ADD failed for network tstack-net: iptables exploded (rule 3)");
    expect(calls.map((c) => `${c.command} ${c.plugin}`)).toEqual(["ADD bridge", "ADD portmap", "DEL bandwidth", "DEL portmap", "DEL bridge"]);
    expect(calls[4]!.stdin["prevResult"]).toEqual(JSON.parse(okResult));
  });

  it("reports a rollback that failed too", async () => {
    const { runner } = fakeRunner((c) =>
      c.command === "ADD" && c.plugin === "bandwidth" ? { exitCode: 1, stdout: "", stderr: "boom" } : c.command === "DEL" && c.plugin === "bridge" ? { exitCode: 1, stdout: "", stderr: "stuck" } : { exitCode: 0, stdout: okResult, stderr: "" },
    );
    const err = await invokerWith(runner).add(conf, rt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniAddFailed);
    expect((err as CniAddFailed).rollbackFailed).toBe(true);
    expect((err as Error).message).toMatch(/bandwidth ADD failed.*boom.*rolling back also failed.*bridge DEL failed.*stuck/);
  });

  it("refuses a result that is not a CNI result", async () => {
    const { runner } = fakeRunner((c) => ({ exitCode: 0, stdout: c.command === "ADD" ? '{"ips":[]}' : "", stderr: "" }));
    await expect(invokerWith(runner).add(conf, rt)).rejects.toThrow(/bridge ADD .* invalid result: result has no cniVersion/);
  });

  it("runs every DEL even when one fails, then reports the first failure", async () => {
    const { runner, calls } = fakeRunner((c) => (c.plugin === "portmap" ? { exitCode: 1, stdout: "", stderr: "nope" } : { exitCode: 0, stdout: "", stderr: "" }));
    await expect(invokerWith(runner).del(conf, rt)).rejects.toThrow(/portmap DEL failed.*nope/);
    expect(calls.map((c) => c.plugin)).toEqual(["bandwidth", "portmap", "bridge"]);
  });
});
