import { TstackError } from "../../common/errors.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { Handler } from "../http/context.ts";
import { queryBool } from "../http/query.ts";
import type { Router } from "../router.ts";
import { frameFor, MULTIPLEXED_STREAM, parseTimestampNs, RAW_STREAM } from "./output.ts";

export function logRoutes(r: Router<Handler>, deps: ApiDeps): void {
  r.add("GET", "/containers/{id}/logs", async (req, res) => {
    const rec = deps.engine.containers.get(req.params["id"]!);
    const q = req.query;
    const stdout = queryBool(q, "stdout");
    const stderr = queryBool(q, "stderr");
    if (!stdout && !stderr) throw new HttpError(400, "Bad parameters: you must choose at least one stream");
    const tailText = q.get("tail") ?? "all";
    if (tailText !== "all" && !/^\d+$/.test(tailText)) throw new HttpError(400, `invalid tail value ${JSON.stringify(tailText)}`);
    const sinceNs = parseTimestampNs(q.get("since"));
    const untilNs = parseTimestampNs(q.get("until"));
    const timestamps = queryBool(q, "timestamps");
    const tty = rec.config.options.tty ?? false;
    const frame = frameFor(tty);
    const entries = deps.engine.containers.logs(rec.id, {
      follow: queryBool(q, "follow"),
      ...(tailText !== "all" ? { tail: Number(tailText) } : {}),
      ...(sinceNs !== undefined ? { sinceNs } : {}),
      ...(untilNs !== undefined ? { untilNs } : {}),
      signal: req.signal,
    });
    const sink = res.stream(200, { "Content-Type": tty ? RAW_STREAM : MULTIPLEXED_STREAM });
    try {
      for await (const e of entries) {
        if (e.stream === "stdout" ? !stdout : !stderr) continue;
        await sink.write(frame(e.stream, timestamps ? `${e.time} ${e.log}` : e.log));
      }
    } catch (err) {
      // The client left mid-stream: stop reading, nothing to report.
      if (!(err instanceof TstackError && req.signal.aborted)) throw err;
    } finally {
      await entries.return(undefined);
    }
    sink.end();
  });
}
