import { conflict, notFound } from "../../common/errors.ts";
import type { ContainerCreateBody } from "./docker-shapes.ts";
import type {
  ContainerDetails,
  ContainerStatus,
  ContainerSummary,
  EngineClient,
  EngineEvent,
  HealthStatus,
  ImageDetails,
  LabelFilter,
  NetworkSummary,
  VolumeSummary,
} from "./engine-client.ts";

interface FakeContainer {
  id: string;
  name: string;
  body: ContainerCreateBody;
  status: ContainerStatus;
  exitCode: number;
  created: number;
}

/**
 * An in-memory EngineClient for unit tests: containers, networks, volumes and images as plain
 * maps, every call logged in `calls` ("create demo-web-1", "start demo-web-1", ...). Scripted
 * behaviour: `health` (a sequence of statuses an inspect returns, last one sticks), `exitOnStart`
 * (the container exits with that code as soon as it starts), `failures` (a call key → error),
 * and `delayMs` (every call yields that long, so parallelism can be observed).
 */
export class FakeEngineClient implements EngineClient {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, NetworkSummary>();
  readonly volumes = new Map<string, VolumeSummary>();
  readonly images = new Map<string, string>(); // ref → image ID
  readonly health = new Map<string, HealthStatus[]>(); // container name → statuses
  readonly exitOnStart = new Map<string, number>();
  readonly failures = new Map<string, Error>();
  delayMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  #seq = 0;

  async #op(key: string, signal?: AbortSignal): Promise<void> {
    this.calls.push(key);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      signal?.throwIfAborted();
      const f = this.failures.get(key);
      if (f) throw f;
    } finally {
      this.inFlight--;
    }
  }

  #find(ref: string): FakeContainer {
    const c = this.containers.get(ref) ?? [...this.containers.values()].find((x) => x.name === ref);
    if (!c) throw notFound(`no such container: ${ref}`);
    return c;
  }

  #healthOf(c: FakeContainer): HealthStatus | undefined {
    const seq = this.health.get(c.name);
    if (seq === undefined) return c.body.Healthcheck ? "healthy" : undefined;
    return seq.length > 1 ? seq.shift() : seq[0];
  }

  async listContainers(f: LabelFilter): Promise<ContainerSummary[]> {
    await this.#op("list containers");
    return [...this.containers.values()]
      .filter((c) => matches(c.body.Labels, f))
      .map((c) => ({
        id: c.id,
        name: c.name,
        image: c.body.Image,
        imageId: this.images.get(c.body.Image) ?? "",
        labels: c.body.Labels,
        state: c.status,
        health: "none",
        created: c.created,
        networks: Object.keys(c.body.NetworkingConfig?.EndpointsConfig ?? {}),
        volumes: (c.body.HostConfig.Mounts ?? []).flatMap((m) => (m.Type === "volume" && m.Source ? [m.Source] : [])),
      }));
  }

  async inspectContainer(ref: string, o?: { signal?: AbortSignal }): Promise<ContainerDetails> {
    await this.#op(`inspect ${ref}`, o?.signal);
    const c = this.#find(ref);
    const health = c.status === "running" ? this.#healthOf(c) : undefined;
    return {
      id: c.id,
      name: c.name,
      imageId: this.images.get(c.body.Image) ?? "",
      labels: c.body.Labels,
      state: { status: c.status, running: c.status === "running", exitCode: c.exitCode, ...(health ? { health } : {}) },
      hasHealthcheck: c.body.Healthcheck !== undefined,
      networks: Object.keys(c.body.NetworkingConfig?.EndpointsConfig ?? {}),
    };
  }

  async createContainer(name: string, body: ContainerCreateBody, o?: { signal?: AbortSignal }) {
    await this.#op(`create ${name}`, o?.signal);
    if ([...this.containers.values()].some((c) => c.name === name)) throw conflict(`container name ${name} is already in use`);
    const id = `c${++this.#seq}`.padEnd(16, "0");
    this.containers.set(id, { id, name, body, status: "created", exitCode: 0, created: this.#seq });
    return { id, warnings: [] };
  }

  async startContainer(ref: string, o?: { signal?: AbortSignal }) {
    await this.#op(`start ${ref}`, o?.signal);
    const c = this.#find(ref);
    const code = this.exitOnStart.get(c.name);
    if (code === undefined) c.status = "running";
    else Object.assign(c, { status: "exited", exitCode: code });
  }

  async stopContainer(ref: string, o?: { signal?: AbortSignal }) {
    await this.#op(`stop ${ref}`, o?.signal);
    const c = this.#find(ref);
    if (c.status === "running") Object.assign(c, { status: "exited", exitCode: 0 });
  }

  async removeContainer(ref: string, o?: { signal?: AbortSignal; force?: boolean }) {
    await this.#op(`remove ${ref}`, o?.signal);
    const c = this.#find(ref);
    if (c.status === "running" && !o?.force) throw conflict(`cannot remove running container ${c.name}`);
    this.containers.delete(c.id);
  }

  async renameContainer(ref: string, newName: string, o?: { signal?: AbortSignal }) {
    await this.#op(`rename ${ref} ${newName}`, o?.signal);
    if ([...this.containers.values()].some((c) => c.name === newName)) throw conflict(`container name ${newName} is already in use`);
    this.#find(ref).name = newName;
  }

  async waitContainer(ref: string) {
    await this.#op(`wait ${ref}`);
    return { statusCode: this.#find(ref).exitCode };
  }

  async listNetworks(f: LabelFilter) {
    await this.#op("list networks");
    return [...this.networks.values()].filter((n) => matches(n.labels, f));
  }

  async inspectNetwork(ref: string) {
    await this.#op(`inspect network ${ref}`);
    const n = this.networks.get(ref);
    if (!n) throw notFound(`network ${ref} not found`);
    return n;
  }

  async createNetwork(body: { Name: string; Driver?: string; Labels?: Readonly<Record<string, string>>; Internal?: boolean }, o?: { signal?: AbortSignal }) {
    await this.#op(`create network ${body.Name}`, o?.signal);
    if (this.networks.has(body.Name)) throw conflict(`network with name ${body.Name} already exists`);
    const id = `n${++this.#seq}`;
    this.networks.set(body.Name, { id, name: body.Name, driver: body.Driver ?? "bridge", labels: body.Labels ?? {}, internal: body.Internal ?? false });
    return { id };
  }

  async removeNetwork(ref: string, o?: { signal?: AbortSignal }) {
    await this.#op(`remove network ${ref}`, o?.signal);
    if (!this.networks.delete(ref)) throw notFound(`network ${ref} not found`);
  }

  async connectNetwork(network: string, container: string) {
    await this.#op(`connect ${network} ${container}`);
  }

  async listVolumes(f: LabelFilter) {
    await this.#op("list volumes");
    return [...this.volumes.values()].filter((v) => matches(v.labels, f));
  }

  async createVolume(body: { Name: string; Driver?: string; Labels?: Readonly<Record<string, string>> }, o?: { signal?: AbortSignal }) {
    await this.#op(`create volume ${body.Name}`, o?.signal);
    const v = { name: body.Name, driver: body.Driver ?? "local", labels: body.Labels ?? {} };
    this.volumes.set(body.Name, v);
    return v;
  }

  async removeVolume(name: string, o?: { signal?: AbortSignal }) {
    await this.#op(`remove volume ${name}`, o?.signal);
    if (!this.volumes.delete(name)) throw notFound(`volume ${name} not found`);
  }

  async inspectImage(ref: string): Promise<ImageDetails> {
    await this.#op(`inspect image ${ref}`);
    const id = this.images.get(ref);
    if (id === undefined) throw notFound(`no such image: ${ref}`);
    return { id, repoTags: [ref], repoDigests: [] };
  }

  async pullImage(ref: string, o?: { signal?: AbortSignal; onProgress?: (p: { status: string }) => void }) {
    await this.#op(`pull ${ref}`, o?.signal);
    o?.onProgress?.({ status: "Downloaded newer image" });
    this.images.set(ref, `sha256:pulled-${ref}`);
  }

  async *events(): AsyncIterable<EngineEvent> {
    // The fake has no event source; executors poll with inspect.
  }
}

function matches(labels: Readonly<Record<string, string>>, f: LabelFilter): boolean {
  return f.labels.every((l) => {
    const i = l.indexOf("=");
    return i < 0 ? Object.hasOwn(labels, l) : labels[l.slice(0, i)] === l.slice(i + 1);
  });
}
