import type Dockerode from "dockerode";
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
import { jsonLines } from "./json-lines.ts";

/**
 * The EngineClient over dockerode: the one place where Docker's JSON shapes are read. The
 * Dockerode instance (socket path or DOCKER_HOST) is the caller's, so the same code serves
 * tstack's engine and a real Docker.
 */
export function createDockerodeClient(docker: Dockerode): EngineClient {
  // Runs one engine call, translating its failure to a TstackError that says what was tried.
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw toEngineError(err, what);
    }
  };
  const filters = (f: LabelFilter) => JSON.stringify({ label: [...f.labels] });

  return {
    listContainers: (f, o) =>
      call("list containers", async () => {
        const list = await docker.listContainers({ all: true, filters: filters(f), abortSignal: o?.signal });
        return list.map(containerSummaryOf);
      }),

    inspectContainer: (id, o) =>
      call(`inspect container ${id}`, async () => containerDetailsOf(await docker.getContainer(id).inspect({ abortSignal: o?.signal }))),

    createContainer: (name, body, o) =>
      call(`create container ${name}`, async () => {
        const c = await docker.createContainer({ ...(body as Dockerode.ContainerCreateOptions), name, abortSignal: o?.signal });
        return { id: c.id, warnings: [] };
      }),

    startContainer: (id, o) => call(`start container ${id}`, () => notModifiedIsOk(docker.getContainer(id).start({ abortSignal: o?.signal }))),

    stopContainer: (id, o) =>
      call(`stop container ${id}`, async () => {
        const opts: Record<string, unknown> = { abortSignal: o?.signal };
        if (o?.timeoutSeconds !== undefined) opts.t = o.timeoutSeconds;
        await notModifiedIsOk(docker.getContainer(id).stop(opts));
      }),

    removeContainer: (id, o) =>
      call(`remove container ${id}`, async () => {
        await docker.getContainer(id).remove({ force: o?.force ?? false, v: o?.volumes ?? false, abortSignal: o?.signal } as Dockerode.ContainerRemoveOptions);
      }),

    renameContainer: (id, name, o) =>
      call(`rename container ${id} to ${name}`, async () => void (await docker.getContainer(id).rename({ name, abortSignal: o?.signal }))),

    waitContainer: (id, o) =>
      call(`wait for container ${id}`, async () => {
        const r = (await docker.getContainer(id).wait({ condition: o?.condition ?? "not-running", abortSignal: o?.signal })) as { StatusCode?: number };
        return { statusCode: r.StatusCode ?? -1 };
      }),

    listNetworks: (f, o) =>
      call("list networks", async () => {
        const list = (await docker.listNetworks({ filters: filters(f), abortSignal: o?.signal } as Dockerode.NetworkListOptions)) as unknown[];
        return list.map(networkOf);
      }),

    inspectNetwork: (id, o) =>
      call(`inspect network ${id}`, async () => {
        // The typings lack inspect(options) on networks; dockerode accepts it.
        const net = docker.getNetwork(id) as unknown as { inspect(opts: object): Promise<unknown> };
        return networkOf(await net.inspect({ abortSignal: o?.signal }));
      }),

    createNetwork: (body: NetworkCreateBody, o) =>
      call(`create network ${body.Name}`, async () => {
        const n = await docker.createNetwork({ ...(body as Dockerode.NetworkCreateOptions), CheckDuplicate: true, abortSignal: o?.signal } as Dockerode.NetworkCreateOptions);
        return { id: n.id };
      }),

    removeNetwork: (id, o) => call(`remove network ${id}`, async () => void (await docker.getNetwork(id).remove({ abortSignal: o?.signal }))),

    connectNetwork: (network, container, endpoint, o) =>
      call(`connect container ${container} to network ${network}`, async () => {
        await docker.getNetwork(network).connect({ Container: container, EndpointConfig: endpoint, abortSignal: o?.signal } as object);
      }),

    listVolumes: (f, o) =>
      call("list volumes", async () => {
        const r = (await docker.listVolumes({ filters: filters(f), abortSignal: o?.signal } as object)) as { Volumes?: unknown[] | null };
        return (r.Volumes ?? []).map(volumeOf);
      }),

    createVolume: (body: VolumeCreateBody, o) =>
      call(`create volume ${body.Name}`, async () => {
        // dockerode 4 resolves to a Volume handle, older typings promise the response body: accept both.
        const v = (await docker.createVolume({ ...body, abortSignal: o?.signal } as Dockerode.VolumeCreateOptions)) as unknown as { inspect?: () => Promise<unknown> };
        return volumeOf(typeof v.inspect === "function" ? await v.inspect() : v);
      }),

    removeVolume: (name, o) => call(`remove volume ${name}`, async () => void (await docker.getVolume(name).remove({ abortSignal: o?.signal }))),

    inspectImage: (ref, o) =>
      call(`inspect image ${ref}`, async () => {
        const i = (await docker.getImage(ref).inspect({ abortSignal: o?.signal } as object)) as unknown as Record<string, unknown>;
        return { id: String(i.Id ?? ""), repoTags: strings(i.RepoTags), repoDigests: strings(i.RepoDigests) };
      }),

    pullImage: (ref, o) =>
      call(`pull image ${ref}`, async () => {
        const opts: Record<string, unknown> = { abortSignal: o?.signal };
        if (o?.platform !== undefined) opts.platform = o.platform;
        const stream = (await docker.pull(ref, opts)) as AsyncIterable<Buffer>;
        for await (const line of jsonLines(stream)) {
          // A pull that fails halfway still answers 200; the failure is a line of the stream.
          if (line.error !== undefined || line.errorDetail !== undefined) {
            const detail = line.errorDetail as { message?: string } | undefined;
            throw new TstackError(pullErrorKind(String(detail?.message ?? line.error)), `pull image ${ref}: ${String(detail?.message ?? line.error)}`);
          }
          const pd = line.progressDetail as { current?: number; total?: number } | undefined;
          o?.onProgress?.({
            status: String(line.status ?? ""),
            ...(typeof line.id === "string" ? { id: line.id } : {}),
            ...(typeof pd?.current === "number" ? { current: pd.current } : {}),
            ...(typeof pd?.total === "number" ? { total: pd.total } : {}),
          });
        }
      }),

    events: (o) => eventStream(docker, o.filters, o.since, o.signal),
  };
}

// Docker answers 304 to starting a running or stopping a stopped container; the goal state holds.
async function notModifiedIsOk(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as { statusCode?: unknown } | null)?.statusCode !== 304) throw err;
  }
}

async function* eventStream(
  docker: Dockerode,
  filters: Readonly<Record<string, readonly string[]>> | undefined,
  since: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<EngineEvent> {
  let stream: AsyncIterable<Buffer>;
  try {
    const opts: Record<string, unknown> = { abortSignal: signal };
    if (filters !== undefined) opts.filters = JSON.stringify(filters);
    if (since !== undefined) opts.since = since;
    stream = (await docker.getEvents(opts)) as unknown as AsyncIterable<Buffer>;
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

function containerSummaryOf(c: Dockerode.ContainerInfo): ContainerSummary {
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

function containerDetailsOf(i: Dockerode.ContainerInspectInfo): ContainerDetails {
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
