import { describe, expect, it } from "vitest";
import { LABEL } from "../labels/index.ts";
import type { LogLine } from "./log-consumer.ts";
import { logs, secondsAfter } from "./logs.ts";
import { testStack } from "./testing.ts";

describe("secondsAfter", () => {
  it("turns an RFC 3339 time with nanoseconds into fractional unix seconds just after it", () => {
    const s = secondsAfter("2026-11-25T13:11:00.516806336Z")!;
    const base = Date.parse("2026-11-25T13:11:00Z") / 1000;
    expect(s - base).toBeGreaterThan(0.516806336);
    expect(s - base).toBeLessThan(0.516806336 + 2e-6);
    expect(secondsAfter("2026-11-25T14:11:00.5+01:00")! - base).toBeCloseTo(0.5, 5);
    expect(secondsAfter("2026-11-25T13:11:00Z")! - base).toBeCloseTo(0, 5);
  });

  it("has no answer for none, Go's zero time or anything else", () => {
    expect(secondsAfter(undefined)).toBeUndefined();
    expect(secondsAfter("0001-01-01T00:00:00Z")).toBeUndefined();
    expect(secondsAfter("")).toBeUndefined();
    expect(secondsAfter("yesterday")).toBeUndefined();
  });
});

describe("logs", () => {
  const container = async (t: ReturnType<typeof testStack>, service: string, n: number, oneoff = false) => {
    const labels = { [LABEL.project]: "demo", [LABEL.service]: service, [LABEL.containerNumber]: String(n), ...(oneoff ? { [LABEL.oneoff]: "True" } : {}) };
    const name = `demo-${service}-${oneoff ? "run-x" : n}`;
    await t.client.createContainer(name, { Image: "x", Labels: labels, HostConfig: {} });
    return name;
  };

  it("reads each wanted container's log as labelled lines, split across chunks, stderr apart", async () => {
    const t = testStack();
    t.client.output.set(await container(t, "web", 1), [{ stream: "stdout", data: Buffer.from("a\nb") }, { stream: "stderr", data: Buffer.from("oops\n") }, { stream: "stdout", data: Buffer.from("c\n") }]);
    t.client.output.set(await container(t, "web", 2), [{ stream: "stdout", data: Buffer.from("two\n") }]);
    t.client.output.set(await container(t, "db", 1), [{ stream: "stdout", data: Buffer.from("db\n") }]);
    t.client.output.set(await container(t, "web", 1, true), [{ stream: "stdout", data: Buffer.from("one-off\n") }]);
    const lines: LogLine[] = [];
    await logs(t.s, "demo", { services: ["web"], follow: false }, { line: (l) => void lines.push(l) });
    expect(lines.map((l) => `${l.label} ${l.stream} ${l.text}`).sort()).toEqual(["web-1 stderr oops", "web-1 stdout a", "web-1 stdout bc", "web-2 stdout two"]);
    lines.length = 0;
    await logs(t.s, "demo", { services: ["web"], index: 2, follow: false, tail: 1 }, { line: (l) => void lines.push(l) });
    expect(lines.map((l) => l.text)).toEqual(["two"]);
  });

  it("following, picks up a container that starts later, until the signal aborts", async () => {
    const t = testStack();
    const stop = new AbortController();
    const lines: string[] = [];
    const following = logs({ client: t.client, signal: stop.signal }, "demo", { follow: true }, { line: (l) => void lines.push(`${l.label} ${l.text}`) });
    const name = await container(t, "worker", 1);
    t.client.output.set(name, [{ stream: "stdout", data: Buffer.from("started\n") }]);
    await new Promise((r) => setTimeout(r, 10));
    await t.client.startContainer(name);
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await following;
    expect(lines).toEqual(["worker-1 started"]);
  });
});
