import { existsSync } from "node:fs";
import { nativeBinaryPath } from "../../common/native-binary.ts";

/** The C shim: an override as is, else <package root>/native/build/tstack-shim. */
export function shimBinaryPath(override?: string, from: string = import.meta.url, exists: (p: string) => boolean = existsSync): string {
  return override || nativeBinaryPath("tstack-shim", from, exists);
}
