import { spawn } from "node:child_process";
import { join } from "node:path";
import { TstackError } from "../../common/errors.ts";
import type { OciRuntime } from "../containers/runc.ts";
import type { AttachHandle, ShimPort } from "../containers/ports.ts";
import { attachShim, isShimAlive, readExitFile, shimBinaryPath, startShim, startShimVia, type LaunchUntilLine, type ShimStartOptions } from "../shim/index.ts";

// Binds the container engine's monitor seam to tstack-shim.
export function createShimPort(o: { runtime: OciRuntime; binary?: string; launch?: LaunchUntilLine }): ShimPort {
  const binary = shimBinaryPath(o.binary);
  const common = { binary, runtime: o.runtime.binary, runtimeRoot: o.runtime.root };
  const deps = { spawn };
  // With tstack-spawn the helper starts shims (no fork of the engine); else node's spawn.
  const start = (opts: ShimStartOptions) => (o.launch ? startShimVia(opts, o.launch) : startShim(opts, deps));
  return {
    create: (r) =>
      start(
        {
          ...common,
          mode: "create",
          id: r.id,
          bundle: r.bundle,
          stateDir: r.stateDir,
          exitFile: r.exitFile,
          logPath: r.logPath,
          ...(r.logMaxSize ? { logMaxSize: r.logMaxSize } : {}),
          ...(r.logMaxFiles ? { logMaxFiles: r.logMaxFiles } : {}),
          tty: r.tty,
          stdin: r.stdin,
          ...(r.start ? { start: true } : {}),
        }),
    exec: (r) =>
      start(
        {
          ...common,
          mode: "exec",
          id: r.id,
          execId: r.execId,
          processFile: r.processFile,
          stateDir: r.stateDir,
          exitFile: r.exitFile,
          tty: r.tty,
          stdin: r.stdin,
          ...(r.waitAttachMs ? { waitAttachMs: r.waitAttachMs } : {}),
        }),
    async attach(stateDir): Promise<AttachHandle> {
      const a = await attachShim(join(stateDir, "attach.sock"));
      return {
        output: a.output,
        write: (data) => void a.write(Buffer.from(data)),
        closeStdin: () => a.closeStdin(),
        resize: (rows, cols) => a.resize(rows, cols),
        // A connection that ends without an exit frame: the caller reads the exit file.
        exit: a.exit.catch((err: unknown) => {
          if (err instanceof TstackError && err.kind === "Unavailable") return undefined;
          throw err;
        }),
        close: () => a.close(),
      };
    },
    readExit: (file) => readExitFile(file),
    isAlive: (shimPid, id) => isShimAlive(shimPid, id),
  };
}
