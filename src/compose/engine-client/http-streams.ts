import type { ExecCreateBody } from "./docker-shapes.ts";
import type { EngineClient, OutputChunk, StreamSession } from "./engine-client.ts";
import { toEngineError } from "./engine-errors.ts";
import type { EngineRequest, Upgraded } from "./engine-http.ts";
import { seg, type EngineCalls } from "./http-call.ts";
import { outputChunks, saysMultiplexed } from "./stdcopy.ts";

type StreamCalls = Pick<EngineClient, "containerLogs" | "attachContainer" | "createExec" | "startExec" | "startExecDetached" | "inspectExec" | "resizeExec">;

/**
 * A container's output and hijacked connections: logs, attach and exec. Non-TTY output comes as
 * Docker's stdcopy frames and is demultiplexed here; callers only ever see OutputChunks.
 */
export function streamCalls(calls: EngineCalls, ttyOf: (container: string, signal?: AbortSignal) => Promise<boolean>): StreamCalls {
  const { http, call } = calls;
  const hijack = async (what: string, req: EngineRequest, tty: boolean): Promise<StreamSession> => {
    try {
      return sessionOf(await http.upgrade(req), tty);
    } catch (err) {
      throw toEngineError(err, what);
    }
  };
  return {
    containerLogs: async (c, o) => {
      const what = `read the logs of container ${c}`;
      const query = { stdout: true, stderr: true, follow: o?.follow ?? false, since: o?.since, until: o?.until, tail: o?.tail, timestamps: o?.timestamps ?? false };
      try {
        const res = await http.open({ method: "GET", path: `/containers/${seg(c)}/logs`, query, signal: o?.signal });
        const raw = saysMultiplexed(res.headers["content-type"]) ? false : await ttyOf(c, o?.signal);
        return quietOnAbort(outputChunks(res.body, raw), what, o?.signal);
      } catch (err) {
        throw toEngineError(err, what);
      }
    },

    attachContainer: (c, o) =>
      hijack(
        `attach to container ${c}`,
        { method: "POST", path: `/containers/${seg(c)}/attach`, query: { stream: true, stdin: o.stdin, stdout: true, stderr: true }, signal: o.signal },
        o.tty,
      ),

    createExec: async (c, body: ExecCreateBody, o) => {
      const r = await call<{ Id?: string }>(`create an exec in container ${c}`, { method: "POST", path: `/containers/${seg(c)}/exec`, body, signal: o?.signal });
      return { id: String(r?.Id ?? "") };
    },

    startExec: (id, o) => hijack(`start exec ${id}`, { method: "POST", path: `/exec/${seg(id)}/start`, body: { Detach: false, Tty: o.tty }, signal: o.signal }, o.tty),

    startExecDetached: async (id, o) => void (await call(`start exec ${id}`, { method: "POST", path: `/exec/${seg(id)}/start`, body: { Detach: true, Tty: false }, signal: o?.signal })),

    inspectExec: async (id, o) => {
      const r = await call<{ Running?: boolean; ExitCode?: number | null }>(`inspect exec ${id}`, { method: "GET", path: `/exec/${seg(id)}/json`, signal: o?.signal });
      return { running: r?.Running === true, exitCode: typeof r?.ExitCode === "number" ? r.ExitCode : null };
    },

    resizeExec: async (id, size, o) =>
      void (await call(`resize exec ${id}`, { method: "POST", path: `/exec/${seg(id)}/resize`, query: { h: size.height, w: size.width }, signal: o?.signal })),
  };
}

// Framed unless a TTY: the caller created the exec or container and knows (the 101's Content-Type
// is not to be trusted before API 1.42, see stdcopy.ts).
function sessionOf(up: Upgraded, tty: boolean): StreamSession {
  const { socket } = up;
  let closed = false;
  const raw = tty;
  async function* output(): AsyncGenerator<OutputChunk> {
    try {
      yield* outputChunks(socket as AsyncIterable<Buffer>, raw);
    } catch (err) {
      // A connection we closed, or the engine dropped after the end of output, ends the session.
      if (!closed && (err as NodeJS.ErrnoException).code !== "ECONNRESET" && (err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") throw err;
    }
  }
  return {
    output: output(),
    write: (d) => void socket.write(d),
    end: () => void socket.end(),
    close: () => {
      closed = true;
      socket.destroy();
    },
  };
}

// Ends an output stream quietly when the caller's signal aborts it (the way to stop following).
async function* quietOnAbort(chunks: AsyncIterable<OutputChunk>, what: string, signal: AbortSignal | undefined): AsyncGenerator<OutputChunk> {
  try {
    yield* chunks;
  } catch (err) {
    if (signal?.aborted) return;
    throw toEngineError(err, what);
  }
}
