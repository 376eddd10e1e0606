import type { Snapshotter } from "../snapshot/index.ts";
import type { NetworkMode } from "../spec/index.ts";
import type { ContainerRecord, Endpoint, EndpointRequest, PublishedPort } from "./container-record.ts";

// The container engine's seams towards the monitor (shim), the network layer and the
// snapshotter. The engine is written against these; adapters bind them to src/runtime/shim,
// src/network and src/runtime/snapshot.

/**
 * A container's writable layer is the active snapshot keyed by the container's ID: prepared at
 * create over the image's chain, mounted at each start, removed with the container.
 */
export type LayerPort = Pick<Snapshotter, "prepare" | "importActive" | "mounts" | "changes" | "remove" | "activeDirs">;

export interface ExitInfo {
  readonly exitCode: number;
  readonly signal: number | null;
  readonly exitedAt: string;
  readonly pid: number;
}

export interface AttachFrame {
  readonly stream: "stdout" | "stderr";
  readonly data: Buffer;
}

export interface AttachHandle {
  readonly output: AsyncIterable<AttachFrame>;
  write(data: Uint8Array): void;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  readonly exit: Promise<ExitInfo | undefined>;
  close(): void;
}

export interface ShimCreateRequest {
  readonly id: string;
  readonly bundle: string;
  readonly stateDir: string;
  readonly exitFile: string;
  readonly logPath: string;
  readonly logMaxSize?: number;
  readonly logMaxFiles?: number;
  readonly tty: boolean;
  readonly stdin: boolean;
  /** Start it too: the shim runs `runc start`, so the engine need not. */
  readonly start?: boolean;
}

export interface ShimExecRequest {
  readonly id: string;
  readonly execId: string;
  readonly processFile: string;
  readonly stateDir: string;
  readonly exitFile: string;
  readonly tty: boolean;
  readonly stdin: boolean;
  /** The exec runs at once: hold its output until a client attaches (or this many ms pass). */
  readonly waitAttachMs?: number;
}

export interface ShimPort {
  /** Runs `runc create` (and `runc start` if asked) under a new shim; resolves once the container's process exists. */
  create(r: ShimCreateRequest): Promise<{ pid: number; shimPid: number }>;
  exec(r: ShimExecRequest): Promise<{ pid: number; shimPid: number }>;
  attach(stateDir: string): Promise<AttachHandle>;
  readExit(exitFile: string): Promise<ExitInfo | undefined>;
  /** The shim with this pid is alive and is the one for this container. */
  isAlive(shimPid: number, id: string): Promise<boolean>;
}

export interface NetworkSetup {
  readonly network: NetworkMode;
  readonly netnsPath?: string;
  readonly endpoints: readonly Endpoint[];
  readonly ports: readonly PublishedPort[];
  /** Extra /etc/hosts lines (name → ip) beyond the container's own entry. */
  readonly hostsEntries: readonly { readonly ip: string; readonly names: readonly string[] }[];
  readonly resolvConf: string;
}

export interface NetworkPort {
  /** Before start: namespace, interfaces, published ports, DNS. Rolls itself back on failure. */
  setUp(rec: ContainerRecord, peers: { netnsOf(idOrName: string): string | undefined }): Promise<NetworkSetup>;
  /** After exit or on a failed start: releases all `setUp` made. Idempotent. */
  tearDown(rec: ContainerRecord): Promise<void>;
  /** Adds an interface on `network` to a running container's namespace. */
  connect(rec: ContainerRecord, network: string, req: EndpointRequest): Promise<Endpoint>;
  /** Removes the container's interface on `network`. */
  disconnect(rec: ContainerRecord, network: string): Promise<void>;
  /** The network's canonical name (and that it exists). */
  networkName(network: string): string;
}
