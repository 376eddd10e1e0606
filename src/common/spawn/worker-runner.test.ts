import { afterAll, describe, expect, it } from "vitest";
import { SpawnFailure } from "./process-runner.ts";
import { describeProcessRunner } from "./testing/process-runner-conformance.ts";
import { createWorkerRunner } from "./worker-runner.ts";

const pool = createWorkerRunner({ size: 2 });
afterAll(() => pool.close());

describeProcessRunner("worker runner", () => pool);

describe("worker runner (worker threads)", () => {
  it("rejects runs once closed", async () => {
    const own = createWorkerRunner();
    expect((await own.run("/bin/echo", ["up"])).stdout).toBe("up\n");
    await own.close();
    await expect(own.run("/bin/true", [])).rejects.toBeInstanceOf(SpawnFailure);
  });
});
