// Which directories carry overlayfs' opaque mark (xattr trusted.overlay.opaque=y). Node cannot
// read extended attributes, so the real probe asks getfattr about many directories in one process.
import { OVERLAY_OPAQUE_XATTR } from "./whiteout.ts";
import type { ProcessRunner } from "./process-runner.ts";

/**
 * Returns the subset of `dirs` (absolute host paths) that are opaque. A path that vanished
 * meanwhile (a running container's upper dir changes under us) simply is not opaque.
 */
export type OpaqueProbe = (dirs: readonly string[]) => Promise<ReadonlySet<string>>;

// Keeps each getfattr command line far below ARG_MAX, whatever the path lengths.
const BATCH = 500;

export function getfattrOpaqueProbe(runner: ProcessRunner): OpaqueProbe {
  return async (dirs) => {
    const found = new Set<string>();
    for (let i = 0; i < dirs.length; i += BATCH) {
      const batch = dirs.slice(i, i + BATCH);
      const args = ["-h", "--absolute-names", "-d", "-e", "hex", "-m", `^${OVERLAY_OPAQUE_XATTR.replaceAll(".", "\\.")}$`, "--", ...batch];
      let stdout: string;
      try {
        ({ stdout } = await runner.run("getfattr", args));
      } catch (err) {
        // getfattr exits 1 when a path is gone but still reports the others; anything else fails.
        const e = err as { stdout?: unknown; stderr?: unknown; exitCode?: unknown };
        const stderr = typeof e.stderr === "string" ? e.stderr : "";
        const onlyVanished = stderr.split("\n").filter(Boolean).every((l) => l.endsWith("No such file or directory"));
        if (e.exitCode !== 1 || typeof e.stdout !== "string" || !onlyVanished) throw err;
        stdout = e.stdout;
      }
      for (const [path, attrs] of parseGetfattrDump(stdout)) {
        if (attrs.get(OVERLAY_OPAQUE_XATTR) === "0x79") found.add(path);
      }
    }
    return found;
  };
}

/** Parses `getfattr -d -e hex` output: path → (attribute name → encoded value). Pure. */
export function parseGetfattrDump(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("# file: ")) {
      current = new Map();
      out.set(unquoteDumpField(line.slice("# file: ".length)), current);
    } else if (line !== "" && !line.startsWith("#") && current) {
      const eq = line.indexOf("=");
      // An attribute without a value prints as its bare name.
      if (eq < 0) current.set(unquoteDumpField(line), "");
      else current.set(unquoteDumpField(line.slice(0, eq)), line.slice(eq + 1));
    }
  }
  return out;
}

// getfattr writes bytes outside printable ASCII (and "\", "=") as "\ooo" octal escapes; the
// bytes are UTF-8 of the path, so decode after unescaping, not before.
export function unquoteDumpField(field: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const m = field[i] === "\\" ? /^[0-7]{3}/.exec(field.slice(i + 1)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(field[i] as string, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
