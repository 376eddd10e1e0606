import { describe, it, expect } from "vitest";
import { createEventBus, type EngineEvent } from "./event-bus.ts";

function bus() {
  let t = 1000n;
  return createEventBus({ nowNs: () => t++, historySize: 3 });
}

describe("event bus", () => {
  it("replays history since a time, then delivers live events, filtered", async () => {
    const b = bus();
    b.emit({ type: "container", action: "create", id: "a", attributes: {} });
    const since = b.emit({ type: "container", action: "start", id: "a", attributes: {} }).timeNs;
    b.emit({ type: "image", action: "pull", id: "busybox", attributes: {} });
    const sub = b.subscribe({ sinceNs: since, filter: (e) => e.type === "container" });
    const got: EngineEvent[] = [];
    const reading = (async () => {
      for await (const e of sub) {
        got.push(e);
        if (got.length === 2) sub.close();
      }
    })();
    b.emit({ type: "image", action: "tag", id: "x", attributes: {} });
    b.emit({ type: "container", action: "die", id: "a", attributes: { exitCode: "0" } });
    await reading;
    expect(got.map((e) => e.action)).toEqual(["start", "die"]);
  });

  it("keeps times strictly increasing and history bounded", () => {
    const b = createEventBus({ nowNs: () => 5n, historySize: 2 });
    const e1 = b.emit({ type: "daemon", action: "x", id: "", attributes: {} });
    const e2 = b.emit({ type: "daemon", action: "y", id: "", attributes: {} });
    expect(e2.timeNs).toBeGreaterThan(e1.timeNs);
    b.emit({ type: "daemon", action: "z", id: "", attributes: {} });
    const sub = b.subscribe({ sinceNs: 0n });
    sub.close();
    return (async () => {
      const seen: string[] = [];
      for await (const e of sub) seen.push(e.action);
      expect(seen).toEqual(["y", "z"]);
    })();
  });

  it("stops on abort", async () => {
    const b = bus();
    const ac = new AbortController();
    const sub = b.subscribe({ signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    const seen: string[] = [];
    for await (const e of sub) seen.push(e.action);
    expect(seen).toEqual([]);
  });
});
