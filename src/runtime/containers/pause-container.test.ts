import { describe, expect, it } from "vitest";
import { pauseContainer, unpauseContainer } from "./pause-container.ts";
import { containerTestbed } from "./testing/container-testbed.ts";

const A = "a".repeat(64);

describe("pause and unpause", () => {
  it("freeze and thaw a running container through the runtime", async () => {
    await using bed = await containerTestbed();
    await bed.addRecord(A, { status: "running" });
    await pauseContainer(bed.parts, A);
    expect(bed.deps.store.get(A).state.status).toBe("paused");
    await expect(pauseContainer(bed.parts, A)).rejects.toMatchObject({ kind: "Conflict" });
    await unpauseContainer(bed.parts, A);
    expect(bed.deps.store.get(A).state.status).toBe("running");
    await expect(unpauseContainer(bed.parts, A)).rejects.toMatchObject({ kind: "Conflict" });
    expect(bed.journal.calls).toEqual([`runtime pause ${A}`, `runtime resume ${A}`]);
    expect(bed.events).toEqual([`pause ${A}`, `unpause ${A}`]);
  });
});
