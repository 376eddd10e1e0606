import { conflict, notFound } from "../../common/errors.ts";
import type { ContainerCreateBody, ExecCreateBody } from "./docker-shapes.ts";
import type {
  ContainerDetails,
  ContainerFilter,
  ContainerStatus,
  ContainerSummary,
  EngineClient,
  EngineEvent,
  ExecDetails,
  HealthStatus,
  ImageDetails,
  LabelFilter,
  LogsOptions,
  NetworkSummary,
  OutputChunk,
  PathStat,
  ProcessList,
  StreamSession,
  VolumeSummary,
} from "./engine-client.ts";
import { FakeEventBus, labelsMatch } from "./fake-events.ts";
import { fakeSession } from "./fake-session.ts";

interface FakeContainer {
  id: string;
  name: string;
  body: ContainerCreateBody;
  status: ContainerStatus;
  exitCode: number;
  created: number;
}

interface FakeExec {
  readonly container: string;
  readonly body: ExecCreateBody;
  running: boolean;
  exitCode: number | null;
}

type Call = { signal?: AbortSignal };

/**
 * An in-memory EngineClient for unit tests: containers, networks, volumes and images as plain
 * maps, every call logged in `calls` ("create demo-web-1", "start demo-web-1", ...). Starting,
 * stopping, killing and removing containers emit the engine's events (start, die, destroy) to
 * `events` subscribers. Scripted behaviour: `health` (a sequence of statuses an inspect
 * returns, last one sticks), `exitOnStart` (the container exits with that code as soon as it
 * starts), `output` (what a container prints: its log, and what an attach sees once it exits),
 * `execResult` (what an exec prints and its exit code), `failures` (a call key → error), and
 * `delayMs` (every call yields that long, so parallelism can be observed).
 */
export class FakeEngineClient implements EngineClient {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, NetworkSummary>();
  readonly volumes = new Map<string, VolumeSummary>();
  readonly images = new Map<string, string>(); // ref → image ID
  readonly health = new Map<string, HealthStatus[]>(); // container name → statuses
  readonly exitOnStart = new Map<string, number>();
  readonly output = new Map<string, OutputChunk[]>(); // container name → its output
  readonly failures = new Map<string, Error>();
  readonly execs = new Map<string, FakeExec>();
  /** Bytes written to sessions' stdin, by container name. */
  readonly stdin = new Map<string, string>();
  /** Archives put into containers: `${container}:${path}` → the tar bytes. */
  readonly archives = new Map<string, Buffer>();
  /** Paths present in containers for statPath / getArchive: `${container}:${path}` → stat and tar. */
  readonly paths = new Map<string, { stat: PathStat; tar: Buffer }>();
  readonly pushed: string[] = [];
  execResult: (container: string, body: ExecCreateBody) => { output: OutputChunk[]; exitCode: number } = () => ({ output: [], exitCode: 0 });
  now: () => number = () => Date.now();
  delayMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  #seq = 0;
  readonly #events = new FakeEventBus();

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

  #emit(c: FakeContainer, action: string, extra: Record<string, string> = {}): void {
    this.#events.emit({ type: "container", action, id: c.id, attributes: { ...c.body.Labels, name: c.name, image: c.body.Image, ...extra }, timeNano: this.now() * 1e6 });
  }

  #exit(c: FakeContainer, code: number): void {
    Object.assign(c, { status: "exited", exitCode: code });
    this.#emit(c, "die", { exitCode: String(code) });
  }

  // Resolves at the container's next event of `actions` (or at once when `now` holds).
  #until(ref: string, now: () => boolean, actions: readonly string[], signal?: AbortSignal): Promise<void> {
    if (now()) return Promise.resolve();
    const id = this.#find(ref).id;
    return this.#events.next((e) => e.id === id && actions.includes(e.action), signal);
  }

  /** A container's exit, as if its process ended by itself. */
  exitContainer(ref: string, code: number): void {
    this.#exit(this.#find(ref), code);
  }

  async listContainers(f: ContainerFilter): Promise<ContainerSummary[]> {
    await this.#op("list containers");
    return [...this.containers.values()]
      .filter((c) => matches(c.body.Labels, f) && (f.live !== true || c.status !== "exited") && (f.ids === undefined || f.ids.includes(c.id)))
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
        status: c.status === "running" ? "Up" : `Exited (${c.exitCode})`,
        command: [...(c.body.Entrypoint ?? []), ...(c.body.Cmd ?? [])].join(" "),
        ports: Object.entries(c.body.HostConfig.PortBindings ?? {}).flatMap(([key, bs]) =>
          bs.map((b) => ({ ip: b.HostIp || "0.0.0.0", privatePort: Number(key.split("/")[0]), publicPort: Number(b.HostPort || 0), protocol: key.split("/")[1] ?? "tcp" })),
        ),
      }));
  }

  async inspectContainer(ref: string, o?: Call): Promise<ContainerDetails> {
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
      tty: c.body.Tty === true,
      networks: Object.keys(c.body.NetworkingConfig?.EndpointsConfig ?? {}),
      user: c.body.User ?? "",
    };
  }

  async createContainer(name: string, body: ContainerCreateBody, o?: Call) {
    await this.#op(`create ${name}`, o?.signal);
    if ([...this.containers.values()].some((c) => c.name === name)) throw conflict(`container name ${name} is already in use`);
    const id = `c${++this.#seq}`.padEnd(16, "0");
    this.containers.set(id, { id, name, body, status: "created", exitCode: 0, created: this.#seq });
    return { id, warnings: [] };
  }

  async startContainer(ref: string, o?: Call) {
    await this.#op(`start ${ref}`, o?.signal);
    const c = this.#find(ref);
    if (c.status === "running") return;
    c.status = "running";
    this.#emit(c, "start");
    const code = this.exitOnStart.get(c.name);
    if (code !== undefined) this.#exit(c, code);
    if (code !== undefined && c.body.HostConfig.AutoRemove === true) this.#remove(c);
  }

  async stopContainer(ref: string, o?: Call) {
    await this.#op(`stop ${ref}`, o?.signal);
    const c = this.#find(ref);
    if (c.status === "running" || c.status === "paused") this.#exit(c, 0);
  }

  #remove(c: FakeContainer): void {
    this.containers.delete(c.id);
    this.#emit(c, "destroy");
  }

  async removeContainer(ref: string, o?: Call & { force?: boolean }) {
    await this.#op(`remove ${ref}`, o?.signal);
    const c = this.#find(ref);
    if (c.status === "running" && !o?.force) throw conflict(`cannot remove running container ${c.name}`);
    this.#remove(c);
  }

  async renameContainer(ref: string, newName: string, o?: Call) {
    await this.#op(`rename ${ref} ${newName}`, o?.signal);
    if ([...this.containers.values()].some((c) => c.name === newName)) throw conflict(`container name ${newName} is already in use`);
    this.#find(ref).name = newName;
  }

  async waitContainer(ref: string, o?: Call & { condition?: "not-running" | "next-exit" | "removed" }) {
    await this.#op(`wait ${ref}`, o?.signal);
    const c = this.#find(ref);
    const condition = o?.condition ?? "not-running";
    if (condition === "removed") await this.#until(ref, () => !this.containers.has(c.id), ["destroy"], o?.signal);
    else await this.#until(ref, () => condition === "not-running" && c.status !== "running" && c.status !== "paused", ["die"], o?.signal);
    return { statusCode: c.exitCode };
  }

  async restartContainer(ref: string, o?: Call) {
    await this.#op(`restart ${ref}`, o?.signal);
    const c = this.#find(ref);
    if (c.status === "running") this.#exit(c, 0);
    c.status = "running";
    this.#emit(c, "start");
  }

  async killContainer(ref: string, o?: Call & { signalName?: string }) {
    await this.#op(`kill ${ref}${o?.signalName !== undefined ? ` ${o.signalName}` : ""}`, o?.signal);
    const c = this.#find(ref);
    if (c.status !== "running" && c.status !== "paused") throw conflict(`container ${c.name} is not running`);
    this.#exit(c, 137);
  }

  async pauseContainer(ref: string, o?: Call) {
    await this.#op(`pause ${ref}`, o?.signal);
    this.#find(ref).status = "paused";
  }

  async unpauseContainer(ref: string, o?: Call) {
    await this.#op(`unpause ${ref}`, o?.signal);
    this.#find(ref).status = "running";
  }

  async topContainer(ref: string, o?: Call): Promise<ProcessList> {
    await this.#op(`top ${ref}`, o?.signal);
    const c = this.#find(ref);
    return { titles: ["PID", "CMD"], processes: [["1", (c.body.Cmd ?? []).join(" ")]] };
  }

  async containerLogs(ref: string, o?: LogsOptions): Promise<AsyncIterable<OutputChunk>> {
    await this.#op(`logs ${ref}`, o?.signal);
    const c = this.#find(ref);
    const all = this.output.get(c.name) ?? [];
    const lines = o?.tail !== undefined ? all.slice(Math.max(0, all.length - o.tail)) : all;
    const signal = o?.signal;
    return (async function* () {
      yield* lines;
      if (o?.follow === true && signal !== undefined && !signal.aborted) await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
    })();
  }

  async attachContainer(ref: string, o: Call & { stdin: boolean; tty: boolean }): Promise<StreamSession> {
    await this.#op(`attach ${ref}`, o.signal);
    const c = this.#find(ref);
    // What it prints, once it has run.
    const exited = this.#until(ref, () => c.status === "exited", ["die"]);
    return fakeSession(
      exited.then(() => this.output.get(c.name) ?? []),
      (d) => this.stdin.set(c.name, (this.stdin.get(c.name) ?? "") + d),
    );
  }

  async resizeContainerTty(ref: string, size: { height: number; width: number }, o?: Call) {
    await this.#op(`resize ${ref} ${size.height}x${size.width}`, o?.signal);
  }

  async createExec(container: string, body: ExecCreateBody, o?: Call) {
    await this.#op(`exec ${container} ${body.Cmd.join(" ")}`, o?.signal);
    const c = this.#find(container);
    if (c.status !== "running") throw conflict(`container ${c.name} is not running`);
    const id = `e${++this.#seq}`;
    this.execs.set(id, { container: c.name, body, running: false, exitCode: null });
    return { id };
  }

  #runExec(id: string): { output: OutputChunk[] } {
    const e = this.execs.get(id);
    if (e === undefined) throw notFound(`no such exec: ${id}`);
    const r = this.execResult(e.container, e.body);
    Object.assign(e, { running: false, exitCode: r.exitCode });
    return r;
  }

  async startExec(id: string, o: Call & { tty: boolean }): Promise<StreamSession> {
    await this.#op(`start exec ${id}`, o.signal);
    const container = this.execs.get(id)?.container ?? "";
    return fakeSession(Promise.resolve(this.#runExec(id).output), (d) => this.stdin.set(container, (this.stdin.get(container) ?? "") + d));
  }

  async startExecDetached(id: string, o?: Call) {
    await this.#op(`start exec ${id} detached`, o?.signal);
    this.#runExec(id);
  }

  async inspectExec(id: string, o?: Call): Promise<ExecDetails> {
    await this.#op(`inspect exec ${id}`, o?.signal);
    const e = this.execs.get(id);
    if (e === undefined) throw notFound(`no such exec: ${id}`);
    return { running: e.running, exitCode: e.exitCode };
  }

  async resizeExec(id: string, size: { height: number; width: number }, o?: Call) {
    await this.#op(`resize exec ${id} ${size.height}x${size.width}`, o?.signal);
  }

  async statPath(container: string, path: string, o?: Call): Promise<PathStat> {
    await this.#op(`stat ${container}:${path}`, o?.signal);
    const p = this.paths.get(`${this.#find(container).name}:${path}`);
    if (p === undefined) throw notFound(`no such path ${path} in ${container}`);
    return p.stat;
  }

  async getArchive(container: string, path: string, o?: Call) {
    await this.#op(`get archive ${container}:${path}`, o?.signal);
    const p = this.paths.get(`${this.#find(container).name}:${path}`);
    if (p === undefined) throw notFound(`no such path ${path} in ${container}`);
    return { stat: p.stat, tar: (async function* () { yield p.tar; })() };
  }

  async putArchive(container: string, path: string, tar: AsyncIterable<Buffer>, o?: Call) {
    await this.#op(`put archive ${container}:${path}`, o?.signal);
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c);
    this.archives.set(`${this.#find(container).name}:${path}`, Buffer.concat(chunks));
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

  async createNetwork(body: { Name: string; Driver?: string; Labels?: Readonly<Record<string, string>>; Internal?: boolean }, o?: Call) {
    await this.#op(`create network ${body.Name}`, o?.signal);
    if (this.networks.has(body.Name)) throw conflict(`network with name ${body.Name} already exists`);
    const id = `n${++this.#seq}`;
    this.networks.set(body.Name, { id, name: body.Name, driver: body.Driver ?? "bridge", labels: body.Labels ?? {}, internal: body.Internal ?? false });
    return { id };
  }

  async removeNetwork(ref: string, o?: Call) {
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

  async createVolume(body: { Name: string; Driver?: string; Labels?: Readonly<Record<string, string>> }, o?: Call) {
    await this.#op(`create volume ${body.Name}`, o?.signal);
    const v = { name: body.Name, driver: body.Driver ?? "local", labels: body.Labels ?? {} };
    this.volumes.set(body.Name, v);
    return v;
  }

  async removeVolume(name: string, o?: Call) {
    await this.#op(`remove volume ${name}`, o?.signal);
    if (!this.volumes.delete(name)) throw notFound(`volume ${name} not found`);
  }

  async inspectImage(ref: string): Promise<ImageDetails> {
    await this.#op(`inspect image ${ref}`);
    const id = this.images.get(ref);
    if (id === undefined) throw notFound(`no such image: ${ref}`);
    return { id, repoTags: [ref], repoDigests: [], size: 1000 };
  }

  async pullImage(ref: string, o?: Call & { onProgress?: (p: { status: string }) => void }) {
    await this.#op(`pull ${ref}`, o?.signal);
    o?.onProgress?.({ status: "Downloaded newer image" });
    this.images.set(ref, `sha256:pulled-${ref}`);
  }

  async pushImage(ref: string, o?: Call & { onProgress?: (p: { status: string }) => void }) {
    await this.#op(`push ${ref}`, o?.signal);
    if (!this.images.has(ref)) throw notFound(`no such image: ${ref}`);
    o?.onProgress?.({ status: "Pushed" });
    this.pushed.push(ref);
  }

  async removeImage(ref: string, o?: Call) {
    await this.#op(`remove image ${ref}`, o?.signal);
    if (!this.images.delete(ref)) throw notFound(`no such image: ${ref}`);
  }

  /** Container events: those since `since` first (unix seconds), then live ones until the signal aborts. */
  events(o: Call & { filters?: Readonly<Record<string, readonly string[]>>; since?: number }): AsyncIterable<EngineEvent> {
    return this.#events.subscribe(o.filters ?? {}, o.since, o.signal);
  }
}

const matches = (labels: Readonly<Record<string, string>>, f: LabelFilter): boolean => labelsMatch(labels, f.labels);
