// An engine in its own process that starts containers on a bridge network with published
// ports, one after another, printing a line per started container, until it is SIGKILLed.
import { openEngine } from "../../src/runtime/engine.ts";

const [stateRoot, runRoot, image] = process.argv.slice(2);
const engine = await openEngine({ stateRoot: stateRoot!, runRoot: runRoot! });
await engine.images.pull(image!);
await engine.networks.createNetwork({ name: "crashnet" });
for (let i = 0; i < 50; i++) {
  const c = await engine.containers.create({
    name: `crash-${i}`,
    image: image!,
    options: { cmd: ["httpd", "-f", "-p", "80", "-h", "/var/www"] },
    init: true,
    networking: { mode: { kind: "bridge" }, networks: { crashnet: {} }, portBindings: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1" }] },
  });
  await engine.containers.start(c.id);
  process.stdout.write(`started ${c.id}\n`);
}
setInterval(() => undefined, 1 << 30);
