import type { ContainerCreateOptions, ImageHealthcheck } from "../spec/index.ts";
import type { RestartPolicy } from "./restart-policy.ts";

// The engine's native container model, persisted as JSON under the state root. The Docker
// API translates to and from it; nothing here knows Docker's JSON shapes.

/** A mount as the user asked for it; resolved to host paths only when the container starts. */
export type MountRequest =
  | { readonly type: "bind"; readonly source: string; readonly target: string; readonly readonly?: boolean; readonly createHostPath?: boolean; readonly propagation?: "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave" }
  | { readonly type: "volume"; readonly name?: string; readonly target: string; readonly readonly?: boolean; readonly noCopy?: boolean }
  | { readonly type: "tmpfs"; readonly target: string; readonly size?: number; readonly mode?: number; readonly options?: readonly string[] };

export interface PortBinding {
  readonly containerPort: number;
  readonly protocol: "tcp" | "udp" | "sctp";
  readonly hostIp?: string;
  /** 0 or absent: a free port chosen at start. */
  readonly hostPort?: number;
}

export interface EndpointRequest {
  readonly aliases?: readonly string[];
  readonly ipv4Address?: string;
  readonly macAddress?: string;
}

export type NetworkModeRequest =
  | { readonly kind: "bridge" } // the networks listed in `networks`, or the default network
  | { readonly kind: "none" }
  | { readonly kind: "host" }
  | { readonly kind: "container"; readonly container: string };

export interface ContainerNetworking {
  readonly mode: NetworkModeRequest;
  readonly networks: Readonly<Record<string, EndpointRequest>>;
  readonly portBindings: readonly PortBinding[];
  readonly exposedPorts: readonly string[]; // "80/tcp"
  readonly publishAllPorts?: boolean;
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  readonly links?: readonly string[]; // "container:alias"
}

export interface LogConfig {
  readonly maxSize?: number; // bytes
  readonly maxFiles?: number;
}

/** What the user asked for; never changed by running the container. */
export interface ContainerConfig {
  readonly image: string; // as the user wrote it
  readonly imageId: string; // config digest when created
  readonly labels: Readonly<Record<string, string>>;
  /** Passed to the spec builder; mounts, init and network are resolved by the engine at start. */
  readonly options: Omit<ContainerCreateOptions, "mounts" | "init" | "network">;
  readonly init: boolean;
  readonly mounts: readonly MountRequest[];
  readonly networking: ContainerNetworking;
  readonly restartPolicy: RestartPolicy;
  readonly healthcheck?: ImageHealthcheck; // override of the image's
  readonly log: LogConfig;
  readonly stopTimeoutSeconds?: number;
  readonly autoRemove: boolean;
}

export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "exited" | "dead" | "removing";

export interface HealthResult {
  readonly start: string;
  readonly end: string;
  readonly exitCode: number;
  readonly output: string;
}

export interface HealthState {
  readonly status: "starting" | "healthy" | "unhealthy";
  readonly failingStreak: number;
  readonly log: readonly HealthResult[]; // last 5
}

export interface Endpoint {
  readonly network: string; // network id
  readonly networkName: string;
  readonly ip: string;
  readonly prefixLen: number;
  readonly gateway: string;
  readonly mac: string;
  readonly aliases: readonly string[];
}

export interface PublishedPort {
  readonly containerPort: number;
  readonly protocol: "tcp" | "udp" | "sctp";
  readonly hostIp: string;
  readonly hostPort: number;
}

export interface ContainerState {
  readonly status: ContainerStatus;
  readonly pid: number;
  /** Start time of `pid` (/proc/<pid>/stat field 22), so that a signal never reaches a recycled pid. */
  readonly pidStartTime?: string;
  readonly shimPid: number;
  readonly startedAt: string; // "0001-01-01T00:00:00Z" when never
  readonly finishedAt: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly error: string;
  readonly restartCount: number;
  /** Stopped by the user: restart policies and engine restarts leave it stopped. */
  readonly explicitlyStopped: boolean;
  readonly health?: HealthState;
  /** Set while running: where its network namespace is and what it is attached to. */
  readonly netnsPath?: string;
  readonly endpoints: readonly Endpoint[];
  readonly ports: readonly PublishedPort[];
  /** Snapshots (chain IDs) of the image, bottom first, mounted as lowerdirs. */
  readonly rootfsMounted: boolean;
}

export interface ContainerRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly config: ContainerConfig;
  readonly state: ContainerState;
  /** Anonymous volumes created for this container (removed with it when asked). */
  readonly anonymousVolumes: readonly string[];
}

export const ZERO_TIME = "0001-01-01T00:00:00Z";

export function initialState(): ContainerState {
  return {
    status: "created",
    pid: 0,
    shimPid: 0,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
    exitCode: 0,
    oomKilled: false,
    error: "",
    restartCount: 0,
    explicitlyStopped: false,
    endpoints: [],
    ports: [],
    rootfsMounted: false,
  };
}
