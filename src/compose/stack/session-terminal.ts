import type { StreamSession, TtySize } from "../engine-client/index.ts";

/**
 * The user's side of an attached `run` or `exec` (the CLI: its terminal, in raw mode for a
 * TTY). `connect` pipes the session's output out and, with `stdin`, the user's input in; it
 * resolves when the session's output ends. `resize` sets the remote TTY's size.
 */
export interface SessionTerminal {
  connect(session: StreamSession, o: { readonly tty: boolean; readonly stdin: boolean }, resize: (size: TtySize) => Promise<void>): Promise<void>;
}
