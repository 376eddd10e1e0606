import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The C shim is built by `make -C native` into <package root>/native/build/tstack-shim.
// The package root is the nearest directory with a package.json above this module, which
// holds both when run from src/ (tsx, vitest) and from dist/.
export function shimBinaryPath(
  override?: string,
  from: string = import.meta.url,
  exists: (p: string) => boolean = existsSync,
): string {
  if (override) return override;
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (exists(join(dir, "package.json"))) return join(dir, "native", "build", "tstack-shim");
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // No package root: say where it would be relative to this module, so the error names a path.
  return fileURLToPath(new URL("../../../native/build/tstack-shim", from));
}
