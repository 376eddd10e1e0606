import type { EngineClient, EngineEvent } from "./engine-client.ts";
import { toEngineError } from "./engine-errors.ts";
import type { EngineHttp } from "./engine-http.ts";
import { jsonLines } from "./json-lines.ts";

/** The engine's event stream; the signal's abort ends it quietly. */
export function eventCalls(http: EngineHttp): Pick<EngineClient, "events"> {
  return { events: (o) => eventStream(http, o.filters, o.since, o.signal) };
}

async function* eventStream(
  http: EngineHttp,
  filters: Readonly<Record<string, readonly string[]>> | undefined,
  since: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<EngineEvent> {
  let stream: AsyncIterable<Buffer>;
  try {
    const query = { filters: filters !== undefined ? JSON.stringify(filters) : undefined, since };
    stream = await http.stream({ method: "GET", path: "/events", query, signal });
  } catch (err) {
    if (signal?.aborted) return;
    throw toEngineError(err, "subscribe to events");
  }
  try {
    for await (const e of jsonLines(stream)) {
      const actor = (e.Actor ?? {}) as { ID?: string; Attributes?: Record<string, string> };
      yield {
        type: String(e.Type ?? e.type ?? ""),
        action: String(e.Action ?? e.status ?? ""),
        id: String(actor.ID ?? e.id ?? ""),
        attributes: actor.Attributes ?? {},
        timeNano: typeof e.timeNano === "number" ? e.timeNano : Number(e.time ?? 0) * 1e9,
      };
    }
  } catch (err) {
    // Aborting the signal ends the stream; that is the normal way to stop listening.
    if (signal?.aborted) return;
    throw toEngineError(err, "read events");
  }
}
