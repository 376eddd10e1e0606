import type { EngineClient } from "./engine-client.ts";
import type { EngineHttp } from "./engine-http.ts";
import { engineCalls } from "./http-call.ts";
import { containerCalls } from "./http-containers.ts";
import { eventCalls } from "./http-events.ts";
import { imageCalls } from "./http-images.ts";
import { objectCalls } from "./http-objects.ts";

export { healthFromStatusText } from "./http-containers.ts";
export { pullQuery, splitTag } from "./http-images.ts";

/**
 * The EngineClient over the Docker Engine API: the one place where Docker's JSON shapes are
 * read, one file per concern (containers, networks and volumes, images, output streams and
 * hijacked connections, archives, events). The transport (a socket path or DOCKER_HOST) is the
 * caller's, so the same code serves tstack's engine and a real Docker, over plain node:http.
 */
export function createHttpEngineClient(http: EngineHttp): EngineClient {
  const calls = engineCalls(http);
  const containers = containerCalls(calls);
  // Output streams, hijacked connections and archives are loaded on first use: planning and
  // running a plan (a no-op `up -d`) never need them.
  const ttyOf = async (c: string, signal?: AbortSignal) => (await containers.inspectContainer(c, signal !== undefined ? { signal } : {})).tty;
  const streams = once(async () => (await import("./http-streams.ts")).streamCalls(calls, ttyOf));
  const archives = once(async () => (await import("./http-archive.ts")).archiveCalls(calls));
  return {
    ...containers,
    ...objectCalls(calls),
    ...imageCalls(calls),
    ...eventCalls(http),
    containerLogs: async (c, o) => (await streams()).containerLogs(c, o),
    attachContainer: async (c, o) => (await streams()).attachContainer(c, o),
    createExec: async (c, body, o) => (await streams()).createExec(c, body, o),
    startExec: async (id, o) => (await streams()).startExec(id, o),
    startExecDetached: async (id, o) => (await streams()).startExecDetached(id, o),
    inspectExec: async (id, o) => (await streams()).inspectExec(id, o),
    resizeExec: async (id, size, o) => (await streams()).resizeExec(id, size, o),
    statPath: async (c, p, o) => (await archives()).statPath(c, p, o),
    getArchive: async (c, p, o) => (await archives()).getArchive(c, p, o),
    putArchive: async (c, p, tar, o) => (await archives()).putArchive(c, p, tar, o),
  };
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};
