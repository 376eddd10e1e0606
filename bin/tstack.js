#!/usr/bin/env node
// The tstack command. It runs the bundled build (dist/, made by `npm run build`, which
// scripts/setup.sh runs) when that build is at least as new as every source file and the
// compose schema (compiled into it); otherwise it runs the TypeScript sources through tsx, so
// an edited checkout never runs stale code.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function newestSource(dir, suffix) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p, suffix));
    else if (e.name.endsWith(suffix)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function freshBuild() {
  try {
    const built = statSync(`${root}/dist/.build-stamp`).mtimeMs;
    return built >= newestSource(`${root}/src`, ".ts") && built >= newestSource(`${root}/schema`, ".json");
  } catch {
    return false;
  }
}

if (freshBuild()) {
  const { main } = await import("../dist/cli/main.js");
  await main();
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/cli/main.ts");
  await main();
}
