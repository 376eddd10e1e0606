import { describe, expect, it } from "vitest";
import type { ProcessRunner, RunResult } from "../common/spawn/process-runner.ts";
import { fakeProcessRunner } from "../common/spawn/testing/fake-process-runner.ts";
import { createHostBridges, forwardJumpRepairs, forwardRules, isolationRules } from "./host-bridges.ts";
import type { NetworkRecord } from "./network-record.ts";

const net: NetworkRecord = {
  id: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  name: "shop_default",
  driver: "bridge",
  subnet: "10.1.0.0/24",
  gateway: "10.1.0.1",
  internal: false,
  attachable: true,
  labels: {},
  options: {},
  created: "2026-01-01T00:00:00.000Z",
  bridge: "tst-abc",
};
const comment = ["-m", "comment", "--comment", "tstack:tst-abc"];

describe("forwardRules", () => {
  it("accepts replies and published-port flows towards a network and everything leaving it", () => {
    expect(forwardRules(net)).toEqual([
      ["-o", "tst-abc", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT", ...comment, "-j", "ACCEPT"],
      ["-i", "tst-abc", ...comment, "-j", "ACCEPT"],
    ]);
  });

  it("accepts for an internal network only traffic that stays on its bridge", () => {
    expect(forwardRules({ ...net, internal: true })).toEqual([["-i", "tst-abc", "-o", "tst-abc", ...comment, "-j", "ACCEPT"]]);
  });
});

describe("forwardJumpRepairs", () => {
  const listing = (...rules: string[]) => ["-P FORWARD DROP", ...rules].join("\n") + "\n";

  it("does nothing when FORWARD already starts with isolation, then forwarding", () => {
    expect(forwardJumpRepairs(listing("-A FORWARD -j TSTACK-ISOLATION", "-A FORWARD -j TSTACK-FORWARD", "-A FORWARD -j DOCKER-USER"))).toEqual([]);
  });

  it("adds both jumps to an empty FORWARD, isolation first", () => {
    expect(forwardJumpRepairs(listing())).toEqual([
      ["-I", "FORWARD", "1", "-j", "TSTACK-ISOLATION"],
      ["-I", "FORWARD", "2", "-j", "TSTACK-FORWARD"],
    ]);
  });

  it("on a host from before, slots forwarding in after isolation and leaves the firewall plugin's jump behind it", () => {
    const old = listing("-A FORWARD -j TSTACK-ISOLATION", '-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD');
    expect(forwardJumpRepairs(old)).toEqual([["-I", "FORWARD", "2", "-j", "TSTACK-FORWARD"]]);
  });

  it("moves every copy of a misplaced jump back to its place", () => {
    const moved = listing("-A FORWARD -j DOCKER-USER", "-A FORWARD -j TSTACK-FORWARD", "-A FORWARD -j TSTACK-ISOLATION", "-A FORWARD -j TSTACK-FORWARD");
    expect(forwardJumpRepairs(moved)).toEqual([
      ["-D", "FORWARD", "-j", "TSTACK-ISOLATION"],
      ["-I", "FORWARD", "1", "-j", "TSTACK-ISOLATION"],
      ["-D", "FORWARD", "-j", "TSTACK-FORWARD"],
      ["-D", "FORWARD", "-j", "TSTACK-FORWARD"],
      ["-I", "FORWARD", "2", "-j", "TSTACK-FORWARD"],
    ]);
  });
});

// Just enough of iptables (filter and nat, -N -C -A -I -D -S) and ip to run HostBridges against.
function fakeHost(filter: Record<string, string[]>): { runner: ProcessRunner; tables: Record<string, Record<string, string[]>>; calls: string[] } {
  const tables: Record<string, Record<string, string[]>> = { filter, nat: { POSTROUTING: [] } };
  const calls: string[] = [];
  const ok = (stdout = ""): Partial<RunResult> => ({ exitCode: 0, stdout, stderr: "" });
  const fail = (stderr: string): Partial<RunResult> => ({ exitCode: 1, stdout: "", stderr });
  const runner = fakeProcessRunner(({ file, args }) => {
    calls.push(`${file} ${args.join(" ")}`);
    if (file === "ip") return args[0] === "link" && args[1] === "show" ? fail("does not exist") : ok();
    const a = [...args].filter((x) => x !== "-w");
    const t = a[0] === "-t" ? tables[a[1]!]! : tables["filter"]!;
    const [op, chain, ...rest] = a[0] === "-t" ? a.slice(2) : a;
    const rules = t[chain!];
    if (op === "-N") {
      if (rules) return fail("iptables: Chain already exists.");
      t[chain!] = [];
      return ok();
    }
    if (!rules) return fail(`no chain ${chain}`);
    const rule = rest.join(" ");
    switch (op) {
      case "-S":
        return ok(rules.map((r) => `-A ${chain} ${r}\n`).join(""));
      case "-C":
        return rules.includes(rule) ? ok() : fail("Bad rule");
      case "-A":
        rules.push(rule);
        return ok();
      case "-I":
        rules.splice(Number(rest[0]) - 1, 0, rest.slice(1).join(" "));
        return ok();
      case "-D": {
        const i = rules.indexOf(rule);
        if (i < 0) return fail("Bad rule");
        rules.splice(i, 1);
        return ok();
      }
      default:
        return fail(`unsupported ${op}`);
    }
  });
  return { runner, tables, calls };
}

describe("HostBridges", () => {
  const fwd = (n: Pick<NetworkRecord, "bridge" | "internal">) => forwardRules(n).map((r) => r.join(" "));

  it("installs one pair of forwarding rules per network, behind isolation, on a host with an old firewall-plugin jump", async () => {
    const oldJump = "-m comment --comment CNI firewall plugin rules -j CNI-FORWARD";
    const host = fakeHost({ FORWARD: ["-j TSTACK-ISOLATION", oldJump], "CNI-FORWARD": ["-s 10.9.0.2/32 -j ACCEPT"] });
    const hb = createHostBridges(host.runner);
    const other = { ...net, bridge: "tst-def", subnet: "10.2.0.0/24", gateway: "10.2.0.1", internal: true };
    await hb.ensure(net);
    await hb.ensure(net);
    await hb.ensure(other);
    const f = host.tables["filter"]!;
    expect(f["FORWARD"]).toEqual(["-j TSTACK-ISOLATION", "-j TSTACK-FORWARD", oldJump]);
    expect(f["TSTACK-FORWARD"]).toEqual([...fwd(net), ...fwd(other)]);
    expect(f["TSTACK-ISOLATION"]).toEqual([
      "-m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j RETURN",
      ...isolationRules(net).map((r) => r.join(" ")),
      ...isolationRules(other).map((r) => r.join(" ")),
    ]);
    // the old plugin's chain is neither needed nor touched
    expect(f["CNI-FORWARD"]).toEqual(["-s 10.9.0.2/32 -j ACCEPT"]);
    expect(host.calls.filter((c) => c.includes("CNI-FORWARD") && !c.includes("-S"))).toEqual([]);
  });

  it("remove() deletes every copy of a network's rules and leaves the other networks' and the chains", async () => {
    const host = fakeHost({ FORWARD: [] });
    const hb = createHostBridges(host.runner);
    const other = { ...net, bridge: "tst-def", subnet: "10.2.0.0/24", gateway: "10.2.0.1" };
    await hb.ensure(net);
    await hb.ensure(other);
    const f = host.tables["filter"]!;
    // as if a crash between -C and -A had added a rule twice
    f["TSTACK-FORWARD"]!.push(fwd(net)[1]!);
    await hb.remove(net);
    expect(f["TSTACK-FORWARD"]).toEqual(fwd(other));
    expect(f["TSTACK-ISOLATION"]!.some((r) => r.includes("tst-abc"))).toBe(false);
    expect(host.tables["nat"]!["POSTROUTING"]!.some((r) => r.includes("tst-abc"))).toBe(false);
    expect(f["FORWARD"]).toEqual(["-j TSTACK-ISOLATION", "-j TSTACK-FORWARD"]);
  });
});
