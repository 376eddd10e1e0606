import { open, readFile, rm, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { conflict } from "../common/errors.ts";

// One engine per state root: a lock file holding the owner's pid. A lock whose owner is
// gone (the engine was SIGKILLed) is taken over.
export interface EngineLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function acquireEngineLock(path: string): Promise<EngineLock> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, "wx", 0o644);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
      if (owner > 0 && owner !== process.pid && alive(owner)) {
        throw conflict(`another tstack engine (pid ${owner}) is running on this state root (lock ${path})`);
      }
      await rm(path, { force: true });
    }
  }
  throw conflict(`could not take the engine lock ${path}`);
}
