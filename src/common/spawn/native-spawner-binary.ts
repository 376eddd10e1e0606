import { existsSync } from "node:fs";
import { nativeBinaryPath } from "../native-binary.ts";

/** tstack-spawn: an override as is, else <package root>/native/build/tstack-spawn. */
export function nativeSpawnerBinaryPath(override?: string, from: string = import.meta.url, exists: (p: string) => boolean = existsSync): string {
  return override || nativeBinaryPath("tstack-spawn", from, exists);
}
