import type { OutputChunk, StreamSession } from "./engine-client.ts";

/** A StreamSession for the fake engine: `output` once it is known, stdin handed to `onInput`. */
export function fakeSession(output: Promise<readonly OutputChunk[]>, onInput: (data: string) => void): StreamSession {
  let closed = false;
  return {
    output: (async function* () {
      const chunks = await output;
      for (const c of chunks) {
        if (closed) return;
        yield c;
      }
    })(),
    write: (d) => onInput(d.toString()),
    end: () => {},
    close: () => {
      closed = true;
    },
  };
}
