import type { SessionTerminal } from "../compose/stack/session-terminal.ts";
import type { CliIo } from "./io.ts";

/**
 * The terminal side of `run` and `exec`: raw mode and resize when a TTY; the session's stdout
 * and stderr to ours; our stdin to the session when asked, its end half-closing the connection
 * so the process sees EOF.
 */
export function terminalOf(io: CliIo): SessionTerminal {
  return {
    async connect(session, o, resize) {
      const raw = o.tty && io.stdin.isTTY === true && typeof io.stdin.setRawMode === "function";
      const stdout = io.stdout as NodeJS.WritableStream & { rows?: number; columns?: number; on?: (e: string, f: () => void) => unknown; off?: (e: string, f: () => void) => unknown };
      const onResize = () => {
        if (stdout.rows !== undefined && stdout.columns !== undefined) resize({ height: stdout.rows, width: stdout.columns }).catch(() => {});
      };
      const onInput = (d: Buffer | string) => session.write(d);
      const onEnd = () => session.end();
      if (raw) io.stdin.setRawMode?.(true);
      if (o.tty) {
        onResize();
        stdout.on?.("resize", onResize);
      }
      if (o.stdin) {
        io.stdin.on("data", onInput);
        io.stdin.on("end", onEnd);
        io.stdin.resume();
      }
      try {
        for await (const chunk of session.output) (chunk.stream === "stderr" ? io.stderr : io.stdout).write(chunk.data);
      } finally {
        if (raw) io.stdin.setRawMode?.(false);
        stdout.off?.("resize", onResize);
        io.stdin.off("data", onInput);
        io.stdin.off("end", onEnd);
        io.stdin.pause();
        session.close();
      }
    },
  };
}
