import type { HistoryEntry, ImageConfig as OciImageConfig } from "../../runtime/registry/manifest-types.ts";
import type { CopySourceEntry } from "../cache/copy-source-digest.ts";
import type { RunMount } from "../dockerfile/run-mount.ts";
import type { Platform } from "../expand/platform.ts";
import type { Step } from "../expand/step.ts";
import type { BuildProgressSink } from "./progress.ts";

// The build executor's view of the machine: every effect goes through one of these ports, so the
// executor itself only sequences calls and computes data (keys, file lists, configs) and runs in
// unit tests against in-memory fakes (testing/fake-ports.ts). The wiring to the real engine
// implements them over the image service, the snapshotter, the container engine and the build
// context directory.
//
// Paths: rootfs paths are absolute ("/usr/bin/x"); paths in a source tree (the build context, a
// committed rootfs) are relative to its root, "/"-separated, clean, "." for the root itself.

export type { HistoryEntry, OciImageConfig };

/** A file tree sources are read from: the build context, or a committed rootfs (undefined: the empty one). */
export type TreeRef = { readonly kind: "context" } | { readonly kind: "snapshot"; readonly chainId: string | undefined };

/** One entry of a walked tree, with the content digest of a file computed while it was read. */
export type SourceEntry = CopySourceEntry;

/** A layer as a manifest lists it (blob) and an image config's rootfs names it (diffId). */
export interface BuildLayer {
  readonly diffId: string;
  readonly blob: { readonly digest: string; readonly size: number; readonly mediaType: string };
}

export interface ResolvedImage {
  /** What pins the image in cache keys: its manifest digest (or its config digest). */
  readonly digest: string;
  /** The committed snapshot of its top layer; undefined for an image without layers. */
  readonly chainId: string | undefined;
  readonly config: OciImageConfig;
  /** Bottom first, one per `config.rootfs.diff_ids`. */
  readonly layers: readonly BuildLayer[];
}

export interface BuildImages {
  /**
   * The image `ref` for `platform`, pulled if needed. When it resolves, the committed snapshots
   * of its layers exist (up to `chainId`), so a step can be prepared on top of them.
   */
  resolve(ref: string, platform: Platform, signal: AbortSignal): Promise<ResolvedImage>;
  /**
   * Writes the config blob and a manifest over `layers` (blobs already in the content store:
   * the base image's and those commit() wrote), then tags it with each of `tags` (none: untagged).
   */
  store(config: OciImageConfig, layers: readonly BuildLayer[], tags: readonly string[], signal: AbortSignal): Promise<{ readonly id: string }>;
}

/** What commit() made, as the snapshotter reports it (CommittedLayer). */
export interface CommittedSnapshot {
  readonly chainId: string;
  readonly diffId: string;
  /** Uncompressed tar size. */
  readonly size: number;
  /** The gzip layer blob in the content store. */
  readonly blob: { readonly digest: string; readonly size: number };
}

export interface PathInfo {
  /** After following symlinks inside the rootfs; "other" for devices, fifos and sockets. */
  readonly type: "file" | "dir" | "other";
}

/**
 * The contents of a file to write: read from a tree, or given inline. A tree file must still have
 * the digest its walk reported (the wiring hashes while copying and fails on a mismatch: the key
 * was taken from that content).
 */
export type FileContent =
  | { readonly kind: "tree"; readonly tree: TreeRef; readonly path: string; readonly digest: string; readonly size: number }
  | { readonly kind: "inline"; readonly data: string };

interface Owned {
  /** Absolute in the rootfs. */
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
}

/** One thing COPY/ADD/WORKDIR puts into a snapshot; a list is ordered parents first. */
export type WriteEntry =
  | (Owned & {
      readonly type: "dir";
      readonly mode: number;
      /** "keep": created with this mode and owner only when missing (mkdir -p); "update": also set on an existing one. */
      readonly existing: "keep" | "update";
    })
  | (Owned & {
      readonly type: "file";
      readonly mode: number;
      readonly content: FileContent;
      /** ADD: when the content is a tar archive (plain, gzip, bzip2 or xz), extract it into this directory instead. */
      readonly unpackTo?: string;
    })
  | (Owned & { readonly type: "symlink"; readonly target: string });

export interface BuildSnapshots {
  /**
   * A new active snapshot `key` over the committed chain `parent` (undefined: an empty rootfs).
   * Lifecycle: prepare → (writeFiles | runner.run)* → commit, or remove. All or nothing: when it
   * rejects, nothing is left to remove.
   */
  prepare(key: string, parent: string | undefined, signal: AbortSignal): Promise<void>;
  /**
   * Applies `entries` in order to the active snapshot's upper view. Every parent of an entry
   * exists (earlier in the list or in the rootfs); a path's parents are resolved inside the rootfs
   * (a symlink among them is followed, never out of the rootfs). A file or symlink replaces what
   * was at its path; a directory is never replaced by a file.
   */
  writeFiles(key: string, entries: readonly WriteEntry[], signal: AbortSignal): Promise<void>;
  /** The active snapshot's changes as a layer, and the committed snapshot; `key` is gone after. */
  commit(key: string, signal: AbortSignal): Promise<CommittedSnapshot>;
  /** Removes an active snapshot; NotFound when there is none. */
  remove(key: string): Promise<void>;
  /** What is at `path` in a committed rootfs (symlinks followed inside it); undefined when nothing. */
  stat(chainId: string | undefined, path: string, signal: AbortSignal): Promise<PathInfo | undefined>;
  /** A file of a committed rootfs (symlinks followed inside it); undefined when it is not a file. */
  readFile(chainId: string | undefined, path: string, signal: AbortSignal): Promise<Uint8Array | undefined>;
  /**
   * The entries of a committed rootfs at and below `under` (tree-relative), each file hashed;
   * nothing when `under` does not exist. Symlinks are reported, not followed, except in the
   * parents of `under`. Devices, fifos and sockets are left out. The wiring may memoise by chain.
   */
  walk(chainId: string, under: string, signal: AbortSignal): AsyncIterable<SourceEntry>;
}

export interface BuildContextReader {
  /**
   * The build context's entries at and below `under` (context-relative, never outside it), each
   * file hashed while read, honouring the build's .dockerignore: an excluded path is not
   * reported, and a directory nothing can be included under (`mayIncludeUnder` false) is not
   * even read. The ignore matcher is the context's own (the wiring builds both from the request).
   */
  walk(under: string, signal: AbortSignal): AsyncIterable<SourceEntry>;
}

/** A RUN mount with its `from` resolved: bind and cache sources name a tree, never a stage by name. */
export type ProcessMount =
  | {
      readonly type: "bind";
      readonly target: string;
      /** The context as the ignore file filters it, or a committed rootfs. */
      readonly tree: TreeRef;
      readonly path: string;
      readonly readonly: boolean;
    }
  | (Omit<Extract<RunMount, { type: "cache" }>, "from" | "source"> & {
      /** `from=`: a new cache starts as a copy of this. */
      readonly seed?: { readonly tree: TreeRef; readonly path: string };
    })
  | Extract<RunMount, { type: "tmpfs" | "secret" | "ssh" }>;

/**
 * A RUN's process as the plan has it (argv, env, workdir, user, network, heredoc files to mount
 * read-only) with its mounts resolved, run in a container whose rootfs is the active snapshot.
 * `env` has the proxy build args added. The wiring creates `workdir` when it is missing (as
 * BuildKit does) and resolves `user` (name or uid, optionally :group; "" is root) in the rootfs.
 */
export type StepProcess = Omit<Extract<Step, { kind: "run" }>, "kind" | "mounts"> & {
  readonly mounts: readonly ProcessMount[];
  readonly platform: Platform;
};

export interface StepRunResult {
  readonly exitCode: number;
  /** The last lines of stdout and stderr together (the wiring keeps ~20 lines / 8 KiB). */
  readonly outputTail: string;
}

export interface StepRunner {
  /**
   * Runs `process` in a container over the active snapshot `key` and waits for it to exit; the
   * container is gone when this settles. Aborting `signal` kills it (and rejects). Cache, secret
   * and ssh mounts come from the engine's stores by id; a missing required secret rejects.
   */
  run(key: string, process: StepProcess, io: { readonly signal: AbortSignal; readonly onOutput?: (chunk: string) => void }): Promise<StepRunResult>;
}

/**
 * What a build step produced, found again by its cache key. Config-only steps are not stored:
 * their effect is a pure function of the plan (the image config after them is in the step).
 */
export interface CacheRecord {
  /** The rootfs after the step: the parent's chain when the step added no layer. */
  readonly chainId: string | undefined;
  /** The layer the step added; absent when it added none (a WORKDIR that existed already). */
  readonly layer?: BuildLayer;
  /** When the layer was made: its history entry's `created`. */
  readonly createdAt: string;
}

export interface BuildCache {
  /** A record only while its committed snapshot and layer blob still exist (the wiring checks, or GC keeps them). */
  get(key: string, signal: AbortSignal): Promise<CacheRecord | undefined>;
  put(key: string, record: CacheRecord): Promise<void>;
}

export interface BuildPorts {
  readonly images: BuildImages;
  readonly snapshots: BuildSnapshots;
  readonly runner: StepRunner;
  readonly context: BuildContextReader;
  readonly cache: BuildCache;
  readonly now: () => Date;
  /** A fresh id for this build's snapshot keys: 1-64 of [A-Za-z0-9_.-], unique among concurrent builds. */
  readonly newId: () => string;
  readonly onEvent?: BuildProgressSink;
}
