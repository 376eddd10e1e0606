import { TstackError } from "../../common/errors.ts";
import type { AttachHandle } from "../../runtime/containers/ports.ts";
import type { ApiDeps } from "../deps.ts";
import type { Handler, Hijacked } from "../http/context.ts";
import { queryBool } from "../http/query.ts";
import type { Router } from "../router.ts";
import type { StdStream } from "../stdcopy.ts";
import { frameFor, MULTIPLEXED_STREAM, RAW_STREAM } from "./output.ts";

const LIVE = ["running", "paused"];

/** Client bytes → the process's stdin; the client's end of input closes stdin. */
export async function pumpStdin(input: AsyncIterable<Buffer>, handle: AttachHandle): Promise<void> {
  try {
    for await (const chunk of input) handle.write(chunk);
    handle.closeStdin();
  } catch {
    // the connection broke; output handling notices too
  }
}

export function attachRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const c = deps.engine.containers;
  r.add("POST", "/containers/{id}/attach", async (req, res) => {
    const rec = c.get(req.params["id"]!);
    const q = req.query;
    const want: Record<StdStream, boolean> = { stdin: queryBool(q, "stdin"), stdout: queryBool(q, "stdout"), stderr: queryBool(q, "stderr") };
    const tty = rec.config.options.tty ?? false;
    const frame = frameFor(tty);
    const attachedAtNs = BigInt(Date.now()) * 1_000_000n;
    const conn: Hijacked = res.hijack(tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    const out = (s: StdStream, d: Buffer | string) => (want[s] ? conn.write(frame(s, d)) : Promise.resolve());
    let handle: AttachHandle | undefined;
    try {
      if (queryBool(q, "logs")) for await (const e of c.logs(rec.id, { signal: req.signal })) await out(e.stream, e.log);
      if (!queryBool(q, "stream")) return;
      if (!LIVE.includes(c.get(rec.id).state.status)) {
        // `docker run` attaches before it starts the container.
        if (!(await waitForStart(deps, rec.id, req.signal))) return;
        // Output comes from the log, which has it all from the first byte on; a live attach
        // opened after the start could miss what a short command printed at once. The live
        // attach then only carries stdin.
        if (want.stdin) {
          // A short command may be done already: then there is no stdin left to feed.
          handle = await c.attach(rec.id).catch(() => undefined);
          if (handle) void pumpStdin(conn.input, handle);
        }
        for await (const e of c.logs(rec.id, { follow: true, sinceNs: attachedAtNs, signal: req.signal })) await out(e.stream, e.log);
        return;
      }
      handle = await c.attach(rec.id);
      if (want.stdin) void pumpStdin(conn.input, handle);
      for await (const f of handle.output) await out(f.stream, f.data);
    } catch (err) {
      if (!(err instanceof TstackError) || !req.signal.aborted) deps.log("debug", `attach ${rec.id}: ${String(err)}`);
    } finally {
      handle?.close();
      conn.endOutput();
      setTimeout(() => conn.close(), 1000).unref();
    }
  });
}

/** Resolves true once the container runs, false if it is removed or the client leaves first. */
async function waitForStart(deps: ApiDeps, id: string, signal: AbortSignal): Promise<boolean> {
  const sub = deps.engine.events.subscribe({ filter: (e) => e.type === "container" && e.id === id && (e.action === "start" || e.action === "destroy"), signal });
  try {
    if (LIVE.includes(deps.engine.containers.get(id).state.status)) return true;
    for await (const e of sub) return e.action === "start";
    return false;
  } finally {
    sub.close();
  }
}
