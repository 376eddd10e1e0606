import { describe, expect, it } from "vitest";
import { ignoreFileCandidates } from "./ignore-file.ts";

describe("ignoreFileCandidates", () => {
  it("tries <Dockerfile>.dockerignore beside the Dockerfile, then the context's .dockerignore", () => {
    expect(ignoreFileCandidates("/ctx", "/ctx/docker/app.Dockerfile")).toEqual(["/ctx/docker/app.Dockerfile.dockerignore", "/ctx/.dockerignore"]);
    expect(ignoreFileCandidates("/ctx", "/ctx/Dockerfile")).toEqual(["/ctx/Dockerfile.dockerignore", "/ctx/.dockerignore"]);
  });
});
