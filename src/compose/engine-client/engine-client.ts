import type { ContainerCreateBody, EndpointSettingsBody, NetworkCreateBody, VolumeCreateBody } from "./docker-shapes.ts";

// The role interface the compose layer needs from an engine: the Docker Engine API operations
// observe and execute use, and nothing more. One implementation talks to a real engine through
// dockerode (dockerode-client.ts); tests use an in-memory fake. Results are plain readonly data
// in tstack's shape (camelCase); request bodies keep Docker's shape (docker-shapes.ts), because
// service-to-create.ts builds them and they go to the wire unchanged.
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
    readonly error?: string;
  };
  readonly hasHealthcheck: boolean;
  readonly networks: readonly string[];
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
}

/** One line of a pull's JSON progress stream. */
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

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface EngineClient {
  /** All containers (running or not) matching the label filter. */
  listContainers(filter: LabelFilter, opts?: CallOptions): Promise<ContainerSummary[]>;
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

  /** The engine's event stream from now on (or `since`, unix seconds), until the signal aborts. */
  events(opts: CallOptions & { readonly filters?: Readonly<Record<string, readonly string[]>>; readonly since?: number }): AsyncIterable<EngineEvent>;
}
