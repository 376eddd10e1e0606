import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// `make -C native` builds the C programs into <package root>/native/build/. The package root is
// the nearest directory with a package.json above the calling module, which holds both when run
// from src/ (tsx, vitest) and from dist/.
export function nativeBinaryPath(name: string, from: string, exists: (p: string) => boolean = existsSync): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (exists(join(dir, "package.json"))) return join(dir, "native", "build", name);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // No package root: a path beside the caller, so that the error names one.
  return join(dirname(fileURLToPath(from)), "native", "build", name);
}
