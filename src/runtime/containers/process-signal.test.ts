import { describe, expect, it } from "vitest";
import { procSignaller, statStartTime } from "./process-signal.ts";

const stat = (comm: string, start: string) =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 ${start} 2265088 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;

describe("statStartTime", () => {
  it("reads field 22, also when the command name holds spaces and parentheses", () => {
    expect(statStartTime(stat("sleep", "987654"))).toBe("987654");
    expect(statStartTime(stat("a b) (c", "12"))).toBe("12");
    expect(statStartTime("garbage")).toBeUndefined();
    expect(statStartTime("")).toBeUndefined();
  });
});

describe("procSignaller", () => {
  it("signals only the process that started at the recorded time", async () => {
    const sent: [number, number][] = [];
    let start = "100";
    const s = procSignaller({ readStat: async () => stat("tini", start), kill: (pid, sig) => void sent.push([pid, sig]) });
    expect(await s.startTime(4242)).toBe("100");
    expect(await s.signalIf(4242, "100", "SIGKILL")).toBe(true);
    expect(await s.signalIf(4242, "100", "TERM")).toBe(true);
    start = "555"; // the pid was recycled
    expect(await s.signalIf(4242, "100", "SIGKILL")).toBe(false);
    expect(sent).toEqual([[4242, 9], [4242, 15]]);
  });

  it("reports a vanished process as gone and never signals pid 0, 1 or a negative one", async () => {
    const sent: number[] = [];
    const gone = procSignaller({ readStat: async () => { throw Object.assign(new Error("x"), { code: "ENOENT" }); }, kill: (p) => void sent.push(p) });
    expect(await gone.signalIf(4242, "100", "SIGKILL")).toBe(false);
    const raced = procSignaller({ readStat: async () => stat("x", "100"), kill: () => { throw Object.assign(new Error("x"), { code: "ESRCH" }); } });
    expect(await raced.signalIf(4242, "100", "SIGKILL")).toBe(false);
    const any = procSignaller({ readStat: async () => stat("x", "100"), kill: (p) => void sent.push(p) });
    for (const pid of [0, 1, -5]) expect(await any.startTime(pid)).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it("reads the real start time of this process", async () => {
    const t = await procSignaller().startTime(process.pid);
    expect(t).toMatch(/^\d+$/);
  });
});
