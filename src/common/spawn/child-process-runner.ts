import { runWith, type ProcessRunner } from "./process-runner.ts";
import { runChild } from "./run-child.ts";
import { spawnPiped } from "./spawn-piped.ts";

/**
 * A ProcessRunner on this thread with node's spawn: for tests and one-shot tools. The engine
 * never uses it: node's spawn blocks the calling thread until the child has exec'd (see
 * worker-runner.ts and native-spawner.ts). Holds nothing, so needs no close.
 */
export function childProcessRunner(): ProcessRunner {
  return {
    run: (file, args, options) => runWith(runChild, file, args, options),
    pipe: spawnPiped,
  };
}
