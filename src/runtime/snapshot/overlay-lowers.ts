// The layer directories of an overlay mount description, for reading them without mounting. Pure.
import { invalidArgument } from "../../common/errors.ts";
import type { MountDescription } from "./overlay-mount.ts";

/** Absolute lowerdir paths, topmost first (overlay's order), resolving `cwd`-relative ones. */
export function overlayLowerDirs(mount: Pick<MountDescription, "options" | "cwd">): readonly string[] {
  const option = mount.options.find((o) => o.startsWith("lowerdir="));
  if (option === undefined) throw invalidArgument(`overlay mount has no lowerdir option: ${mount.options.join(",")}`);
  return option
    .slice("lowerdir=".length)
    .split(":")
    .map((dir) => {
      if (dir.startsWith("/")) return dir;
      if (mount.cwd === undefined) throw invalidArgument(`relative lowerdir ${JSON.stringify(dir)} without a working directory`);
      return `${mount.cwd}/${dir}`;
    });
}
