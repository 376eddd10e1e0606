import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

// Where the machine keeps a program the tests drive: Debian's packages and Docker CE's put runc,
// dockerd and docker in different directories (/usr/sbin or /usr/bin), and a newer docker CLI may
// sit in /usr/local/bin. The first executable in PATH (plus the sbin directories a non-login
// PATH lacks) wins; without one, the bare name, so that the error names it.
export function hostProgram(name: string, path = process.env["PATH"] ?? ""): string {
  for (const dir of [...path.split(delimiter).filter(Boolean), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return name;
}
