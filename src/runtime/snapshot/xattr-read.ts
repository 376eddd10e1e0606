// Reading extended attributes of many files at once. Node cannot read them, so getfattr does,
// a few hundred paths per process; the opaque probe and the layer diff both read through here.
import { ProcessExitError, type ProcessRunner } from "../../common/spawn/process-runner.ts";
import { decodeDumpValue, parseGetfattrDump } from "./xattr-dump.ts";

/**
 * The attributes of `paths` (absolute host paths, symlinks not followed) whose names match the
 * regular expression `pattern` (getfattr's -m; "-" for all), by path. Paths without any are
 * absent; a path that vanished meanwhile (a running container's upper dir) simply has none.
 */
export type XattrReader = (paths: readonly string[], pattern: string) => Promise<ReadonlyMap<string, ReadonlyMap<string, Buffer>>>;

// Keeps each getfattr command line far below ARG_MAX, whatever the path lengths.
const BATCH = 500;

export function getfattrReader(runner: ProcessRunner): XattrReader {
  return async (paths, pattern) => {
    const found = new Map<string, Map<string, Buffer>>();
    for (let i = 0; i < paths.length; i += BATCH) {
      const batch = paths.slice(i, i + BATCH);
      const args = ["-h", "--absolute-names", "-d", "-e", "hex", "-m", pattern, "--", ...batch];
      const r = await runner.run("getfattr", args, { allowFailure: true });
      // getfattr exits 1 when a path is gone but still reports the others; anything else fails.
      const onlyVanished = () => r.stderr.split("\n").filter(Boolean).every((l) => l.endsWith("No such file or directory"));
      if (r.exitCode !== 0 && !(r.exitCode === 1 && onlyVanished())) throw new ProcessExitError("getfattr", args, r);
      for (const [path, attrs] of parseGetfattrDump(r.stdout)) {
        found.set(path, new Map([...attrs].map(([name, value]) => [name, decodeDumpValue(value)])));
      }
    }
    return found;
  };
}
