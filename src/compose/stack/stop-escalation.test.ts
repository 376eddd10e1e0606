import { describe, expect, it } from "vitest";
import type { Plan } from "../plan/index.ts";
import { escalationMessage, trackStops } from "./stop-escalation.ts";

describe("stop escalation", () => {
  const plan: Plan = {
    nodes: [
      { id: 1, op: { kind: "stop-container", service: "backend", container: "c1", name: "demo-backend-1", timeoutSeconds: 10 }, reason: "", deps: [] },
      { id: 2, op: { kind: "stop-container", service: "db", container: "c2", name: "demo-db-1", timeoutSeconds: 10 }, reason: "", deps: [] },
    ],
    warnings: [],
  };
  it("names the service whose stop lasted the whole grace period", async () => {
    let t = 0;
    const s = trackStops(plan, undefined, () => t);
    s.onEvent({ nodeId: 1, resource: "demo-backend-1", action: "stop-container", status: "working" });
    s.onEvent({ nodeId: 2, resource: "demo-db-1", action: "stop-container", status: "working" });
    t = 300;
    s.onEvent({ nodeId: 2, resource: "demo-db-1", action: "stop-container", status: "done" });
    t = 10_020;
    s.onEvent({ nodeId: 1, resource: "demo-backend-1", action: "stop-container", status: "done" });
    expect(await s.messages()).toEqual([escalationMessage("backend", "SIGTERM", 10)]);
    expect(escalationMessage("backend", "SIGTERM", 10)).toBe("tstack: service backend ignored SIGTERM for 10s and was killed; add `init: true` or set `stop_signal`");
    expect(await s.messages(async () => false)).toEqual([]);
  });
});
