import { access, constants } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";
import { failedPrecondition } from "../../common/errors.ts";

// Finds a program like a shell would, also in the sbin directories a non-login PATH lacks.
export async function findBinary(name: string, path = process.env["PATH"] ?? "", hint?: string): Promise<string> {
  if (isAbsolute(name)) return name;
  const dirs = [...path.split(delimiter).filter(Boolean), "/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
  for (const d of dirs) {
    const p = join(d, name);
    if (await access(p, constants.X_OK).then(() => true, () => false)) return p;
  }
  throw failedPrecondition(`${name} was not found in PATH${hint ? `: ${hint}` : ""}`);
}
