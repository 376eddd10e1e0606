// The overlay mount description of a container rootfs. Pure: mounting is the caller's step.
import { failedPrecondition, invalidArgument } from "../../common/errors.ts";

/**
 * What to mount, not a mount. When `cwd` is set, the lowerdir paths are relative to it and the
 * caller must mount from that working directory (e.g. `runner.run("mount", [...], { cwd })`), as
 * containerd does: this keeps the options within one page for deep images.
 */
export interface MountDescription {
  readonly type: "overlay";
  readonly source: "overlay";
  readonly options: readonly string[];
  readonly cwd?: string;
}

// mount(2) copies the options into one page, NUL included.
export const MOUNT_OPTIONS_LIMIT = 4096 - 1;

// overlayfs splits lowerdir on ":" and mount options on ","; we refuse rather than escape.
function checkPath(p: string, what: string): void {
  if (/[,:\\\n]/.test(p) || p === "") throw invalidArgument(`${what} ${JSON.stringify(p)} cannot be used in an overlay mount`);
}

export interface OverlayMountInput {
  /** Directory holding the snapshots (the cwd used for relative lowerdirs). */
  readonly snapshotsDir: string;
  /** Layer directories relative to snapshotsDir, bottom layer first. */
  readonly lowerRelative: readonly string[];
  readonly upperDir: string;
  readonly workDir: string;
}

export function overlayMount(input: OverlayMountInput): MountDescription {
  if (input.lowerRelative.length === 0) throw invalidArgument("an overlay rootfs needs at least one layer");
  checkPath(input.snapshotsDir, "snapshot directory");
  for (const [p, what] of [[input.upperDir, "upper directory"], [input.workDir, "work directory"]] as const) {
    checkPath(p, what);
    // With a cwd in play, a relative path would silently mean something else.
    if (!p.startsWith("/")) throw invalidArgument(`${what} ${JSON.stringify(p)} must be absolute`);
  }
  for (const l of input.lowerRelative) checkPath(l, "layer directory");
  // overlayfs wants the topmost lower layer first.
  const topFirst = [...input.lowerRelative].reverse();
  const build = (lowers: readonly string[]) => [
    `lowerdir=${lowers.join(":")}`,
    `upperdir=${input.upperDir}`,
    `workdir=${input.workDir}`,
  ];
  const absolute = build(topFirst.map((l) => `${input.snapshotsDir}/${l}`));
  if (absolute.join(",").length <= MOUNT_OPTIONS_LIMIT) return { type: "overlay", source: "overlay", options: absolute };
  const relative = build(topFirst);
  if (relative.join(",").length <= MOUNT_OPTIONS_LIMIT) {
    return { type: "overlay", source: "overlay", options: relative, cwd: input.snapshotsDir };
  }
  throw failedPrecondition(
    `${input.lowerRelative.length} layers do not fit in one overlay mount (options exceed ${MOUNT_OPTIONS_LIMIT} bytes)`,
  );
}
