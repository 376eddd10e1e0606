#!/usr/bin/env node
// The tstack command. It runs the compiled build (dist/, made by `npm run build`, which
// scripts/setup.sh runs) when that build is at least as new as every source file; otherwise it
// runs the TypeScript sources through tsx, so an edited checkout never runs stale code.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function freshBuild() {
  try {
    return statSync(`${root}/dist/.build-stamp`).mtimeMs >= newestSource(`${root}/src`);
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
