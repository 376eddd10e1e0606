import type { ContainerCreateBody, EndpointSettingsBody, ExecCreateBody, NetworkCreateBody, VolumeCreateBody } from "./docker-shapes.ts";

// The role interface the compose layer needs from an engine: the Docker Engine API operations
// the stack operations (src/compose/stack) use, and nothing more. One implementation speaks the
// API over node:http (http-engine-client.ts); tests use an in-memory fake. Results are plain
// readonly data in tstack's shape (camelCase); request bodies keep Docker's shape
// (docker-shapes.ts), because the planner builds them and they go to the wire unchanged.
//
// Errors: every method rejects with a TstackError — NotFound (404), Conflict (409),
// InvalidArgument (400), PermissionDenied (401/403), Unavailable (engine unreachable, 503),
// Internal otherwise — with the engine's error as `cause`. Every method takes an AbortSignal.

export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";
export type HealthStatus = "starting" | "healthy" | "unhealthy" | "none";

export interface ContainerSummary {
  readonly id: string;
  /** Without Docker's leading slash. */
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: ContainerStatus;
  /** Docker reports health only inside its status text ("Up 3 minutes (healthy)"); "none" when absent. */
  readonly health: HealthStatus;
  /** Unix seconds. */
  readonly created: number;
  /** Names of the networks the container is attached to. */
  readonly networks: readonly string[];
  /** Names of the named volumes mounted. */
  readonly volumes: readonly string[];
  /** Docker's status text: "Up 3 minutes (healthy)", "Exited (0) 2 seconds ago". */
  readonly status: string;
  /** The command line, as one string. */
  readonly command: string;
  readonly ports: readonly PortSummary[];
}

/** One port of a container; `publicPort` absent when it is only exposed. */
export interface PortSummary {
  /** The host address it is published on ("0.0.0.0", "::", "127.0.0.1"); absent when not published. */
  readonly ip?: string;
  readonly privatePort: number;
  readonly publicPort?: number;
  readonly protocol: string;
}

export interface ContainerDetails {
  readonly id: string;
  readonly name: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: {
    readonly status: ContainerStatus;
    readonly running: boolean;
    readonly exitCode: number;
    /** Absent when the container has no healthcheck. */
    readonly health?: HealthStatus;
    /** The output of the last healthcheck run, trimmed; absent when there was none. */
    readonly healthOutput?: string;
    readonly error?: string;
    /** RFC 3339 with nanoseconds; absent for Go's zero time (never started / never finished). */
    readonly startedAt?: string;
    readonly finishedAt?: string;
  };
  readonly hasHealthcheck: boolean;
  /** Whether the container has a TTY: its output is then one raw stream, not stdcopy frames. */
  readonly tty: boolean;
  readonly networks: readonly string[];
  /** The user its processes run as (Config.User: the service's `user`, else the image's): "", "app", "1000:1000". */
  readonly user: string;
}

/** `ps` inside a container: the column titles and one row per process. */
export interface ProcessList {
  readonly titles: readonly string[];
  readonly processes: readonly (readonly string[])[];
}

/** One chunk of a container's or an exec's output, demultiplexed (a TTY's output is all stdout). */
export interface OutputChunk {
  readonly stream: "stdout" | "stderr";
  readonly data: Buffer;
}

export interface LogsOptions extends CallOptions {
  /** Keep streaming until the signal aborts (or the container is removed). */
  readonly follow?: boolean;
  /** Unix seconds, fractional; lines at exactly `since` are included. */
  readonly since?: number;
  readonly until?: number;
  /** The last n lines of the log; default all. */
  readonly tail?: number;
  /** Each line starts with its RFC 3339 time and a space. */
  readonly timestamps?: boolean;
}

/**
 * A connection the engine took over for attach or exec. Lifecycle: read `output` to its end
 * (the remote side finished); `write` and `end` feed the process's stdin when it was asked for;
 * `close` drops the connection at any time.
 */
export interface StreamSession {
  readonly output: AsyncIterable<OutputChunk>;
  write(data: Buffer | string): void;
  /** Half-closes the connection: the process sees the end of its input. */
  end(): void;
  close(): void;
}

export interface TtySize {
  readonly height: number;
  readonly width: number;
}

export interface ExecDetails {
  readonly running: boolean;
  /** null while it runs. */
  readonly exitCode: number | null;
}

/** What `GET|HEAD /containers/{id}/archive` says about a path (Docker's X-Docker-Container-Path-Stat). */
export interface PathStat {
  readonly name: string;
  readonly size: number;
  /** Go's os.FileMode bits (the directory bit is 1 << 31). */
  readonly mode: number;
  readonly isDir: boolean;
  readonly linkTarget: string;
}


export interface NetworkSummary {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly internal: boolean;
}

export interface VolumeSummary {
  readonly name: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ImageDetails {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  /** Bytes. */
  readonly size: number;
}

/** One line of a pull's or a push's JSON progress stream. */
export interface PullProgress {
  readonly id?: string;
  readonly status: string;
  readonly current?: number;
  readonly total?: number;
}

export interface EngineEvent {
  readonly type: string; // container, network, volume, image
  readonly action: string; // start, die, health_status: healthy, ...
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Unix nanoseconds. */
  readonly timeNano: number;
}

export interface LabelFilter {
  /** `key` or `key=value` entries, all of which must match. */
  readonly labels: readonly string[];
}

export interface ContainerFilter extends LabelFilter {
  /** Only containers that are not stopped (Docker's `all=false`: running, paused, restarting). */
  readonly live?: boolean;
  /** Only these container IDs. */
  readonly ids?: readonly string[];
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface EngineClient {
  /** The containers matching the filter (running or not, unless `live`). */
  listContainers(filter: ContainerFilter, opts?: CallOptions): Promise<ContainerSummary[]>;
  inspectContainer(idOrName: string, opts?: CallOptions): Promise<ContainerDetails>;
  createContainer(name: string, body: ContainerCreateBody, opts?: CallOptions): Promise<{ id: string; warnings: readonly string[] }>;
  /** Starting a running container succeeds (Docker's 304 is not an error). */
  startContainer(idOrName: string, opts?: CallOptions): Promise<void>;
  /** Stopping a stopped container succeeds. `timeoutSeconds` absent = the container's StopTimeout. */
  stopContainer(idOrName: string, opts?: CallOptions & { readonly timeoutSeconds?: number }): Promise<void>;
  removeContainer(idOrName: string, opts?: CallOptions & { readonly force?: boolean; readonly volumes?: boolean }): Promise<void>;
  renameContainer(idOrName: string, newName: string, opts?: CallOptions): Promise<void>;
  /** Resolves when the container reaches the condition ("not-running" by default) with its exit code. */
  waitContainer(idOrName: string, opts?: CallOptions & { readonly condition?: "not-running" | "next-exit" | "removed" }): Promise<{ statusCode: number }>;
  /** `timeoutSeconds` absent = the container's StopTimeout. */
  restartContainer(idOrName: string, opts?: CallOptions & { readonly timeoutSeconds?: number }): Promise<void>;
  /** Sends a signal: "SIGTERM", "HUP", "9"; SIGKILL by default. */
  killContainer(idOrName: string, opts?: CallOptions & { readonly signalName?: string }): Promise<void>;
  pauseContainer(idOrName: string, opts?: CallOptions): Promise<void>;
  unpauseContainer(idOrName: string, opts?: CallOptions): Promise<void>;
  topContainer(idOrName: string, opts?: CallOptions): Promise<ProcessList>;

  /** The container's log; with `follow`, an endless stream the signal ends (the iteration then just stops). */
  containerLogs(idOrName: string, opts?: LogsOptions): Promise<AsyncIterable<OutputChunk>>;
  /** Attaches to the container's stdout and stderr (and stdin when asked); may come before its start. */
  attachContainer(idOrName: string, opts: CallOptions & { readonly stdin: boolean; readonly tty: boolean }): Promise<StreamSession>;
  resizeContainerTty(idOrName: string, size: TtySize, opts?: CallOptions): Promise<void>;

  createExec(container: string, body: ExecCreateBody, opts?: CallOptions): Promise<{ id: string }>;
  /** Starts an exec attached: its output (and stdin when the exec was created with AttachStdin). */
  startExec(execId: string, opts: CallOptions & { readonly tty: boolean }): Promise<StreamSession>;
  startExecDetached(execId: string, opts?: CallOptions): Promise<void>;
  inspectExec(execId: string, opts?: CallOptions): Promise<ExecDetails>;
  resizeExec(execId: string, size: TtySize, opts?: CallOptions): Promise<void>;

  /** NotFound when the path does not exist in the container. */
  statPath(container: string, path: string, opts?: CallOptions): Promise<PathStat>;
  /** A tar archive of the path (its root entry named after the path's last component). */
  getArchive(container: string, path: string, opts?: CallOptions): Promise<{ readonly stat: PathStat; readonly tar: AsyncIterable<Buffer> }>;
  /** Unpacks a tar archive into the directory `path` of the container. */
  putArchive(container: string, path: string, tar: AsyncIterable<Buffer>, opts?: CallOptions): Promise<void>;

  listNetworks(filter: LabelFilter, opts?: CallOptions): Promise<NetworkSummary[]>;
  inspectNetwork(idOrName: string, opts?: CallOptions): Promise<NetworkSummary>;
  createNetwork(body: NetworkCreateBody, opts?: CallOptions): Promise<{ id: string }>;
  removeNetwork(idOrName: string, opts?: CallOptions): Promise<void>;
  connectNetwork(network: string, container: string, endpoint: EndpointSettingsBody, opts?: CallOptions): Promise<void>;

  listVolumes(filter: LabelFilter, opts?: CallOptions): Promise<VolumeSummary[]>;
  createVolume(body: VolumeCreateBody, opts?: CallOptions): Promise<VolumeSummary>;
  removeVolume(name: string, opts?: CallOptions): Promise<void>;

  inspectImage(ref: string, opts?: CallOptions): Promise<ImageDetails>;
  /** Pulls and waits for the end of the progress stream; a pull error reported inside the stream rejects. */
  pullImage(ref: string, opts?: CallOptions & { readonly onProgress?: (p: PullProgress) => void; readonly platform?: string }): Promise<void>;
  /** Pushes a tagged reference (no tag = latest); an error reported inside the stream rejects. */
  pushImage(ref: string, opts?: CallOptions & { readonly onProgress?: (p: PullProgress) => void }): Promise<void>;
  removeImage(ref: string, opts?: CallOptions & { readonly force?: boolean }): Promise<void>;

  /** The engine's event stream from now on (or `since`, unix seconds), until the signal aborts. */
  events(opts: CallOptions & { readonly filters?: Readonly<Record<string, readonly string[]>>; readonly since?: number }): AsyncIterable<EngineEvent>;
}
