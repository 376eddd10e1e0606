import { describe, expect, it } from "vitest";
import { RestartScheduler, type Timers } from "./restart-scheduler.ts";

function manualTimers(): Timers & { due: Map<number, { fn: () => void; ms: number }>; fire(): void } {
  const due = new Map<number, { fn: () => void; ms: number }>();
  let n = 0;
  return {
    due,
    set: (fn, ms) => (due.set(++n, { fn, ms }), n),
    clear: (h) => void due.delete(h as number),
    fire() {
      for (const [h, t] of [...due]) {
        due.delete(h);
        t.fn();
      }
    },
  };
}

describe("RestartScheduler", () => {
  it("keeps one pending restart per container; cancel and cancelAll drop them", () => {
    const timers = manualTimers();
    const s = new RestartScheduler(timers);
    const ran: string[] = [];
    s.schedule("a", 100, () => ran.push("a1"));
    s.schedule("a", 200, () => ran.push("a2"));
    s.schedule("b", 100, () => ran.push("b"));
    expect([...timers.due.values()].map((t) => t.ms)).toEqual([200, 100]);
    s.cancel("b");
    expect(s.isPending("b")).toBe(false);
    timers.fire();
    expect(ran).toEqual(["a2"]);
    expect(s.isPending("a")).toBe(false);
    s.schedule("c", 1, () => ran.push("c"));
    s.cancelAll();
    timers.fire();
    expect(ran).toEqual(["a2"]);
  });

  it("doubles the delay of quick failures per container, and starts over once forgotten", () => {
    const s = new RestartScheduler(manualTimers());
    expect([s.nextDelay("a", 10), s.nextDelay("a", 10), s.nextDelay("a", 10)]).toEqual([100, 200, 400]);
    expect(s.nextDelay("b", 10)).toBe(100);
    expect(s.nextDelay("a", 60_000)).toBe(100);
    s.nextDelay("a", 10);
    s.forget("a");
    expect(s.nextDelay("a", 10)).toBe(100);
  });
});
