#!/usr/bin/env node
// The tstack command. It runs the bundled build (dist/, made by `npm run build`; shipped in the
// npm package) when that build is at least as new as every source file and the compose schema;
// in a checkout whose sources are newer it runs them through tsx, so an edited checkout never
// runs stale code.
import { fileURLToPath } from "node:url";
import { buildFreshness } from "./build-freshness.js";

const root = fileURLToPath(new URL("..", import.meta.url));

if (buildFreshness(root) === "fresh") {
  const { main } = await import("../dist/cli/main.js");
  await main();
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/cli/main.ts");
  await main();
}
