// An engine in its own process, to be SIGKILLed by a test: it starts one container that
// writes a numbered line every 10 ms, prints the container's id, and waits to be killed.
import { openEngine } from "../../src/runtime/engine.ts";

const [stateRoot, runRoot, image] = process.argv.slice(2);
const engine = await openEngine({ stateRoot: stateRoot!, runRoot: runRoot! });
await engine.images.pull(image!);
const c = await engine.containers.create({
  image: image!,
  options: { cmd: ["sh", "-c", "i=0; while true; do echo $i; i=$((i+1)); usleep 10000; done"] },
  networking: { mode: { kind: "none" } },
  init: true,
});
await engine.containers.start(c.id);
process.stdout.write(`${c.id}\n`);
setInterval(() => undefined, 1 << 30);
