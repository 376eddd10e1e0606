// Docker streams progress and events as JSON objects one after another (newline-separated in
// practice, though a chunk may end mid-object). Yields each parsed object.
export async function* jsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Record<string, unknown>> {
  let buf = "";
  for await (const chunk of stream) {
    buf += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line !== "") yield JSON.parse(line) as Record<string, unknown>;
    }
  }
  if (buf.trim() !== "") yield JSON.parse(buf) as Record<string, unknown>;
}
