import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { composeScenario } from "../support/compose-scenario.ts";
import { dockerdAvailable, startDockerEngine, type DockerEngine } from "../support/docker-engine.ts";

// The same compose scenario, unchanged, against a real Docker Engine: the compose layer
// talks only the Docker Engine API. Runs when Debian's docker.io is installed.
const available = await dockerdAvailable();
let docker: DockerEngine | undefined;

if (available) {
  beforeAll(async () => {
    docker = await startDockerEngine();
  }, 60_000);
  afterAll(async () => {
    await docker?.stop();
  }, 60_000);
  composeScenario(inject("registry"), {
    name: "Docker Engine",
    startsOnDemand: false,
    env: () => ({ DOCKER_HOST: `unix://${docker!.socket}` }),
  });
} else {
  describe("tstack up/ps/logs/down on Docker Engine", () => {
    it.skip("needs Debian's docker.io (dockerd): not installed on this machine", () => undefined);
  });
}
