// Whether the bundled build (dist/) may be run instead of the TypeScript sources: it must be at
// least as new as every source file and the compose schema (compiled into it). An installed
// package ships dist/ without src/: nothing to compare, the build is what there is.
import { existsSync, readdirSync, statSync } from "node:fs";

function newestFile(dir, suffix) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestFile(p, suffix));
    else if (e.name.endsWith(suffix)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** "fresh": run dist/; "stale" or "missing": run (or build from) the sources. */
export function buildFreshness(root) {
  let built;
  try {
    built = statSync(`${root}/dist/.build-stamp`).mtimeMs;
  } catch {
    return "missing";
  }
  if (!existsSync(`${root}/src`)) return "fresh";
  return built >= newestFile(`${root}/src`, ".ts") && built >= newestFile(`${root}/schema`, ".json") ? "fresh" : "stale";
}
