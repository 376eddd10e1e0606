import { failedPrecondition } from "../../src/common/errors.ts";
import type { DebianPackage, PackageSource } from "./debian-packages.ts";
import { missingLibraries, suppliedBy } from "./libraries.ts";

// The packages an image needs: the ones asked for, plus exactly those of their (transitive)
// dependencies that supply a shared library some binary in the image loads. apt's own
// recursive closure would also drag in adduser, perl-base, debconf and the like: what a
// maintainer script needs, not what the program needs at run time.
export async function resolvePackageClosure(
  source: PackageSource,
  roots: readonly string[],
  log: (line: string) => void = () => undefined,
): Promise<readonly DebianPackage[]> {
  const included = [...(await source.get(roots))];
  const absent = roots.filter((r) => !included.some((p) => p.name === r));
  if (absent.length > 0) throw failedPrecondition(`no apt source offers ${absent.join(", ")} (is "apt-get update" done?)`);
  for (;;) {
    const missing = missingLibraries(included.map((p) => p.tree));
    if (missing.length === 0) return included;
    const names = new Set(included.map((p) => p.name));
    const candidates = [...new Set(included.flatMap((p) => p.depends.flat()))].filter((n) => !names.has(n)).sort();
    const imageFiles = included.flatMap((p) => p.tree.files);
    const added = (await source.get(candidates)).filter((c) => suppliedBy(c.tree.files, missing, imageFiles).length > 0);
    if (added.length === 0) {
      const list = missing.map((m) => `${m.name} (needed by ${m.neededBy.slice(0, 3).join(", ")})`).join("; ");
      throw failedPrecondition(`no dependency of ${[...names].join(", ")} supplies: ${list}`);
    }
    log(`  + ${added.map((p) => p.name).join(" ")}`);
    included.push(...added);
  }
}
