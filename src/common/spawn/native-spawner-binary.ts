import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// `make -C native` builds <package root>/native/build/tstack-spawn. The package root is the
// nearest directory with a package.json above this module: src/ (tsx, vitest) and dist/ alike.
export function nativeSpawnerBinaryPath(
  override?: string,
  from: string = import.meta.url,
  exists: (p: string) => boolean = existsSync,
): string {
  if (override) return override;
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (exists(join(dir, "package.json"))) return join(dir, "native", "build", "tstack-spawn");
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // No package root: a path relative to this module, so that the error names one.
  return fileURLToPath(new URL("../../../native/build/tstack-spawn", from));
}
