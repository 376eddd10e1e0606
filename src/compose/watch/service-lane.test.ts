import { describe, expect, it } from "vitest";
import type { FileChange } from "./batcher.ts";
import { ServiceLane, type ConvergeReason } from "./service-lane.ts";

function lane() {
  const log: string[] = [];
  let release: (() => void) | undefined;
  const l = new ServiceLane({
    apply: async (changes: readonly FileChange[]) => {
      log.push(`apply ${changes.map((c) => `${c.kind}:${c.path}`).join(",")}`);
      await new Promise<void>((r) => (release = r));
    },
    converge: async (c: ReadonlyMap<string, ConvergeReason>) => void log.push(`converge ${[...c].map(([id, why]) => `${id}(${why})`).join(",")}`),
    failed: (what, err) => void log.push(`failed ${what}: ${(err as Error).message}`),
  });
  const step = async () => {
    for (let i = 0; i < 5 && release === undefined; i++) await Promise.resolve();
    const r = release;
    release = undefined;
    r?.();
  };
  return { l, log, step };
}
const w = (path: string): FileChange => ({ path, kind: "write", isDir: false });

describe("ServiceLane", () => {
  it("runs one step at a time and merges what arrives meanwhile into one more step", async () => {
    const { l, log, step } = lane();
    l.push([w("/a")]);
    await step(); // apply /a is running...
    l.push([w("/b")]);
    l.push([{ path: "/a", kind: "remove", isDir: false }]);
    l.convergeContainers(["c1"], "initial");
    l.convergeContainers(["c1"], "start");
    l.convergeContainers(["c1"], "initial");
    await step();
    await step();
    await l.idle();
    expect(log).toEqual(["apply write:/a", "apply write:/b,remove:/a", "converge c1(start)"]);
  });

  it("reports a failed step and goes on", async () => {
    const l = new ServiceLane({
      apply: async () => Promise.reject(new Error("engine down")),
      converge: async () => {},
      failed: (what, err) => void log.push(`${what}: ${(err as Error).message}`),
    });
    const log: string[] = [];
    l.push([w("/a")]);
    await l.idle();
    l.push([w("/b")]);
    await l.idle();
    expect(log).toEqual(["changes: engine down", "changes: engine down"]);
  });
});
