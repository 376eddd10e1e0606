import { TstackError } from "../../common/errors.ts";
import type { ContainerCreateBody, NetworkCreateBody, VolumeCreateBody } from "./docker-shapes.ts";
import type {
  ContainerDetails,
  ContainerStatus,
  ContainerSummary,
  EngineClient,
  EngineEvent,
  HealthStatus,
  LabelFilter,
  NetworkSummary,
  VolumeSummary,
} from "./engine-client.ts";
import { toEngineError } from "./engine-errors.ts";
import { EngineHttpError, type EngineHttp, type EngineRequest } from "./engine-http.ts";
import { jsonLines } from "./json-lines.ts";

/**
 * The EngineClient over the Docker Engine API: the one place where Docker's JSON shapes are
 * read. The transport (a socket path or DOCKER_HOST) is the caller's, so the same code serves
 * tstack's engine and a real Docker. Plain node:http, not dockerode: a command's start loads
 * ~250 KB less (dockerode, docker-modem and their dependencies).
 */
export function createHttpEngineClient(http: EngineHttp): EngineClient {
  // Runs one engine call, translating its failure to a TstackError that says what was tried.
  const call = async <T>(what: string, req: EngineRequest): Promise<T> => {
    try {
      return await http.json<T>(req);
    } catch (err) {
      throw toEngineError(err, what);
    }
  };
  // Docker answers 304 to starting a running or stopping a stopped container; the goal state holds.
  const goalHolds = async (what: string, req: EngineRequest): Promise<void> => {
    try {
      await http.json(req);
    } catch (err) {
      if (!(err instanceof EngineHttpError && err.statusCode === 304)) throw toEngineError(err, what);
    }
  };
  const filters = (f: LabelFilter) => JSON.stringify({ label: [...f.labels] });
  const id = encodeURIComponent;

  return {
    listContainers: async (f, o) =>
      (await call<unknown[]>("list containers", { method: "GET", path: "/containers/json", query: { all: true, filters: filters(f) }, signal: o?.signal })).map(containerSummaryOf),

    inspectContainer: async (c, o) => containerDetailsOf(await call(`inspect container ${c}`, { method: "GET", path: `/containers/${id(c)}/json`, signal: o?.signal })),

    createContainer: async (name, body: ContainerCreateBody, o) => {
      const r = await call<{ Id?: string; Warnings?: string[] | null }>(`create container ${name}`, { method: "POST", path: "/containers/create", query: { name }, body, signal: o?.signal });
      return { id: String(r?.Id ?? ""), warnings: r?.Warnings ?? [] };
    },

    startContainer: (c, o) => goalHolds(`start container ${c}`, { method: "POST", path: `/containers/${id(c)}/start`, signal: o?.signal }),

    stopContainer: (c, o) => goalHolds(`stop container ${c}`, { method: "POST", path: `/containers/${id(c)}/stop`, query: { t: o?.timeoutSeconds }, signal: o?.signal }),

    removeContainer: async (c, o) =>
      void (await call(`remove container ${c}`, { method: "DELETE", path: `/containers/${id(c)}`, query: { force: o?.force ?? false, v: o?.volumes ?? false }, signal: o?.signal })),

    renameContainer: async (c, name, o) =>
      void (await call(`rename container ${c} to ${name}`, { method: "POST", path: `/containers/${id(c)}/rename`, query: { name }, signal: o?.signal })),

    waitContainer: async (c, o) => {
      const r = await call<{ StatusCode?: number }>(`wait for container ${c}`, { method: "POST", path: `/containers/${id(c)}/wait`, query: { condition: o?.condition ?? "not-running" }, signal: o?.signal });
      return { statusCode: r?.StatusCode ?? -1 };
    },

    listNetworks: async (f, o) => (await call<unknown[]>("list networks", { method: "GET", path: "/networks", query: { filters: filters(f) }, signal: o?.signal })).map(networkOf),

    inspectNetwork: async (n, o) => networkOf(await call(`inspect network ${n}`, { method: "GET", path: `/networks/${id(n)}`, signal: o?.signal })),

    createNetwork: async (body: NetworkCreateBody, o) => {
      const r = await call<{ Id?: string }>(`create network ${body.Name}`, { method: "POST", path: "/networks/create", body: { ...body, CheckDuplicate: true }, signal: o?.signal });
      return { id: String(r?.Id ?? "") };
    },

    removeNetwork: async (n, o) => void (await call(`remove network ${n}`, { method: "DELETE", path: `/networks/${id(n)}`, signal: o?.signal })),

    connectNetwork: async (network, container, endpoint, o) =>
      void (await call(`connect container ${container} to network ${network}`, {
        method: "POST",
        path: `/networks/${id(network)}/connect`,
        body: { Container: container, EndpointConfig: endpoint },
        signal: o?.signal,
      })),

    listVolumes: async (f, o) => {
      const r = await call<{ Volumes?: unknown[] | null }>("list volumes", { method: "GET", path: "/volumes", query: { filters: filters(f) }, signal: o?.signal });
      return (r?.Volumes ?? []).map(volumeOf);
    },

    createVolume: async (body: VolumeCreateBody, o) => volumeOf(await call(`create volume ${body.Name}`, { method: "POST", path: "/volumes/create", body, signal: o?.signal })),

    removeVolume: async (name, o) => void (await call(`remove volume ${name}`, { method: "DELETE", path: `/volumes/${id(name)}`, signal: o?.signal })),

    inspectImage: async (ref, o) => {
      const i = await call<Record<string, unknown>>(`inspect image ${ref}`, { method: "GET", path: `/images/${ref}/json`, signal: o?.signal });
      return { id: String(i?.Id ?? ""), repoTags: strings(i?.RepoTags), repoDigests: strings(i?.RepoDigests) };
    },

    pullImage: async (ref, o) => {
      const what = `pull image ${ref}`;
      try {
        const stream = await http.stream({ method: "POST", path: "/images/create", query: { ...pullQuery(ref), platform: o?.platform }, signal: o?.signal });
        for await (const line of jsonLines(stream)) {
          // A pull that fails halfway still answers 200; the failure is a line of the stream.
          if (line.error !== undefined || line.errorDetail !== undefined) {
            const detail = line.errorDetail as { message?: string } | undefined;
            throw new TstackError(pullErrorKind(String(detail?.message ?? line.error)), `${what}: ${String(detail?.message ?? line.error)}`);
          }
          const pd = line.progressDetail as { current?: number; total?: number } | undefined;
          o?.onProgress?.({
            status: String(line.status ?? ""),
            ...(typeof line.id === "string" ? { id: line.id } : {}),
            ...(typeof pd?.current === "number" ? { current: pd.current } : {}),
            ...(typeof pd?.total === "number" ? { total: pd.total } : {}),
          });
        }
      } catch (err) {
        throw toEngineError(err, what);
      }
    },

    events: (o) => eventStream(http, o.filters, o.since, o.signal),
  };
}

/**
 * `fromImage` and `tag` of a pull, split as the docker CLI splits a reference: the part after
 * the last ':' is a tag unless it holds a '/' (a registry port), a digest follows '@', and no
 * tag means latest (an empty tag would ask Docker for every tag of the repository).
 */
export function pullQuery(ref: string): { readonly fromImage: string; readonly tag: string } {
  const at = ref.indexOf("@");
  if (at >= 0) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  if (colon >= 0 && !ref.slice(colon + 1).includes("/")) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: "latest" };
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

function pullErrorKind(message: string): "NotFound" | "PermissionDenied" | "Unavailable" {
  if (/not found|manifest unknown|does not exist/i.test(message)) return "NotFound";
  if (/denied|unauthorized/i.test(message)) return "PermissionDenied";
  return "Unavailable";
}

const STATUSES: ReadonlySet<string> = new Set(["created", "running", "paused", "restarting", "removing", "exited", "dead"]);
const statusOf = (s: unknown): ContainerStatus => (typeof s === "string" && STATUSES.has(s) ? (s as ContainerStatus) : "dead");
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const labelsOf = (v: unknown): Record<string, string> => (v !== null && typeof v === "object" ? (v as Record<string, string>) : {});
const stripSlash = (n: string) => (n.startsWith("/") ? n.slice(1) : n);

// Docker reports a container's health in its summary only as text: "Up 5 seconds (health: starting)".
export function healthFromStatusText(status: string): HealthStatus {
  if (status.includes("(healthy)")) return "healthy";
  if (status.includes("(unhealthy)")) return "unhealthy";
  if (status.includes("(health: starting)")) return "starting";
  return "none";
}

function containerSummaryOf(c: unknown): ContainerSummary {
  const raw = c as unknown as Record<string, unknown>;
  const nets = (raw.NetworkSettings as { Networks?: Record<string, unknown> } | undefined)?.Networks ?? {};
  const mounts = Array.isArray(raw.Mounts) ? (raw.Mounts as { Type?: string; Name?: string }[]) : [];
  const health = raw.Health as { Status?: string } | undefined; // API >= 1.52 has it structured
  return {
    id: String(raw.Id),
    name: stripSlash(strings(raw.Names)[0] ?? ""),
    image: String(raw.Image ?? ""),
    imageId: String(raw.ImageID ?? ""),
    labels: labelsOf(raw.Labels),
    state: statusOf(raw.State),
    health:
      health?.Status === "healthy" || health?.Status === "unhealthy" || health?.Status === "starting"
        ? health.Status
        : healthFromStatusText(String(raw.Status ?? "")),
    created: Number(raw.Created ?? 0),
    networks: Object.keys(nets).sort(),
    volumes: mounts.filter((m) => m.Type === "volume" && typeof m.Name === "string").map((m) => m.Name as string),
  };
}

function containerDetailsOf(i: unknown): ContainerDetails {
  const raw = i as unknown as Record<string, unknown>;
  const state = (raw.State ?? {}) as Record<string, unknown>;
  const config = (raw.Config ?? {}) as Record<string, unknown>;
  const health = state.Health as { Status?: string } | undefined;
  const hc = config.Healthcheck as { Test?: string[] } | undefined;
  const nets = (raw.NetworkSettings as { Networks?: Record<string, unknown> } | undefined)?.Networks ?? {};
  return {
    id: String(raw.Id),
    name: stripSlash(String(raw.Name ?? "")),
    imageId: String(raw.Image ?? ""),
    labels: labelsOf(config.Labels),
    state: {
      status: statusOf(state.Status),
      running: state.Running === true,
      exitCode: Number(state.ExitCode ?? 0),
      ...(health?.Status !== undefined ? { health: (["starting", "healthy", "unhealthy"].includes(health.Status) ? health.Status : "none") as HealthStatus } : {}),
      ...(typeof state.Error === "string" && state.Error !== "" ? { error: state.Error } : {}),
    },
    hasHealthcheck: hc?.Test !== undefined && hc.Test.length > 0 && hc.Test[0] !== "NONE",
    networks: Object.keys(nets).sort(),
  };
}

function networkOf(n: unknown): NetworkSummary {
  const raw = (n ?? {}) as Record<string, unknown>;
  return { id: String(raw.Id ?? raw.ID ?? ""), name: String(raw.Name ?? ""), driver: String(raw.Driver ?? ""), labels: labelsOf(raw.Labels), internal: raw.Internal === true };
}

function volumeOf(v: unknown): VolumeSummary {
  const raw = (v ?? {}) as Record<string, unknown>;
  return { name: String(raw.Name ?? ""), driver: String(raw.Driver ?? ""), labels: labelsOf(raw.Labels) };
}
