import { describe, it, expect, inject } from "vitest";

// The loopback registry serves the offline-built fixture images.
describe("fixture registry", () => {
  it("lists the fixture repositories", async () => {
    const res = await fetch(`http://${inject("registry")}/v2/_catalog`);
    const body = (await res.json()) as { repositories: string[] };
    expect(body.repositories).toEqual(expect.arrayContaining(["busybox", "layered", "multiarch"]));
  });
});
