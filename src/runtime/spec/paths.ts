import { posix } from "node:path";
import { invalidArgument } from "../../common/errors.ts";

// A container path must be absolute; it is normalised so that comparisons between mount
// destinations (duplicates, overrides, /dev prefix) are exact.
export function cleanContainerPath(path: string, what: string): string {
  if (!path.startsWith("/")) throw invalidArgument(`${what} ${JSON.stringify(path)} must be an absolute path`);
  const clean = posix.normalize(path);
  return clean.length > 1 && clean.endsWith("/") ? clean.slice(0, -1) : clean;
}

export function pathDepth(path: string): number {
  return path === "/" ? 0 : path.split("/").length - 1;
}
