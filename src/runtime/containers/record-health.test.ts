import { describe, expect, it } from "vitest";
import { recordHealth } from "./record-health.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const A = "a".repeat(64);

describe("recordHealth", () => {
  it("stores a running container's result and announces a change of status only", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "running", health: { status: "starting", failingStreak: 0, log: [] } });
    const to = (status: "healthy" | "unhealthy") => (s: Parameters<Parameters<typeof recordHealth>[2]>[0]) => ({ ...s, health: { status, failingStreak: 0, log: [] } });
    await recordHealth(bed.deps, A, to("healthy"));
    await recordHealth(bed.deps, A, to("healthy"));
    await recordHealth(bed.deps, A, () => undefined);
    expect(bed.deps.store.get(A).state.health?.status).toBe("healthy");
    expect(bed.events).toEqual([`health_status: healthy ${A}`]);
  });

  it("drops a result that arrives after the container stopped", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "exited" });
    await recordHealth(bed.deps, A, (s) => ({ ...s, health: { status: "healthy", failingStreak: 0, log: [] } }));
    expect(bed.deps.store.get(A).state.health).toBeUndefined();
  });
});
