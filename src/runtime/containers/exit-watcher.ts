import { watch, type FSWatcher } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";

// Shims write `<id>.json` into one exits directory when their container's process ends.
// inotify reports it at once; a slow sweep catches anything a watch could miss (a burst
// of events, or files written while the engine was starting).

const EXIT_FILE = /^([a-f0-9]{64})\.json$/;

export interface ExitWatcher {
  close(): void;
  /** Handles every exit file present now. */
  sweep(): Promise<void>;
}

export async function watchExits(dir: string, onExit: (id: string) => Promise<void>, sweepMs = 1000): Promise<ExitWatcher> {
  await mkdir(dir, { recursive: true });
  const busy = new Set<string>();
  const handle = (id: string) => {
    if (busy.has(id)) return;
    busy.add(id);
    void onExit(id).finally(() => busy.delete(id));
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, (_ev, name) => {
      const m = name ? EXIT_FILE.exec(name.toString()) : null;
      if (m) handle(m[1]!);
    });
    watcher.on("error", () => undefined);
  } catch {
    watcher = undefined;
  }
  const sweep = async () => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const m = EXIT_FILE.exec(name);
      if (m) handle(m[1]!);
    }
  };
  const timer = setInterval(() => void sweep(), sweepMs);
  timer.unref();
  return {
    close() {
      watcher?.close();
      clearInterval(timer);
    },
    sweep,
  };
}
