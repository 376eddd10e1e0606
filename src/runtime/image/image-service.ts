import type { Readable } from "node:stream";
import { conflict, invalidArgument, notFound, TstackError } from "../../common/errors.ts";
import { mapLimit } from "../../common/mutex.ts";
import type { ContentStore } from "../content/content-store.ts";
import type { Digest } from "../content/digest.ts";
import type { EventBus } from "../events/event-bus.ts";
import {
  parseReference,
  parseNamedReference,
  repositoryName,
  toString as refToString,
  familiarName,
  type ImageReference,
} from "../reference/index.ts";
import { MediaType } from "../registry/media-types.ts";
import {
  parseImageConfig,
  parseImageManifest,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  type Credentials,
  type PlatformSpec,
  type RegistryClient,
} from "../registry/index.ts";
import { chainIds } from "../snapshot/chain-id.ts";
import type { ImageRecord, ImageRecords } from "./image-records.ts";
import { shortId, type ImageProgress } from "./pull-progress.ts";
import type { SnapshotPort } from "./snapshot-port.ts";
import { loadImages, saveImages } from "./image-archive.ts";

/** An image as stored: its records (names), manifest, config and layer snapshots. */
export interface LocalImage {
  readonly id: Digest; // config digest
  readonly names: readonly string[];
  readonly repoDigests: readonly string[];
  readonly manifestDigest: Digest;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  readonly chainIds: readonly string[];
  /** Sum of the layer blobs' sizes. */
  readonly size: number;
  readonly recordedAt: string;
}

export interface PullOptions {
  readonly platform?: PlatformSpec;
  /** Credentials for this call only (Docker's X-Registry-Auth), instead of the engine's own. */
  readonly credentials?: Credentials;
  /** false: download and verify only (layers are unpacked when a container first needs them). */
  readonly unpack?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ImageProgress) => void;
}

export interface RemoveResult {
  readonly untagged: readonly string[];
  readonly deleted: readonly string[];
}

/**
 * The engine's images: pull from and push to registries, look up by name or ID, tag,
 * remove, and collect garbage. Lifecycle: one per engine; all state is on disk (content
 * store, records, snapshots), so a new service over the same roots sees the same images.
 */
export interface ImageService {
  pull(ref: string, opts?: PullOptions): Promise<LocalImage>;
  push(ref: string, opts?: { signal?: AbortSignal; onProgress?: (p: ImageProgress) => void; credentials?: Credentials }): Promise<Digest>;
  /** Checks credentials against a registry (Docker's /auth, `docker login`). */
  login(serverAddress: string, credentials: Credentials): Promise<void>;
  list(): Promise<readonly LocalImage[]>;
  /** By name (`busybox`, `localhost:5000/a:b`, `repo@sha256:…`), full ID or unique ID prefix. */
  get(refOrId: string): Promise<LocalImage>;
  find(refOrId: string): Promise<LocalImage | undefined>;
  tag(source: string, target: string): Promise<void>;
  /**
   * Records an image whose manifest, config and layer blobs are already in the content store
   * (a built or committed image) under each of `names` (none: untagged, as `docker build`
   * without -t), and makes sure its layers are unpacked.
   */
  record(manifestDigest: Digest, names: readonly string[]): Promise<LocalImage>;
  remove(refOrId: string, opts: { force?: boolean; inUse: (id: Digest) => boolean }): Promise<RemoveResult>;
  /** Removes blobs and snapshots no image (and no container, via `keepSnapshots`) references. */
  collectGarbage(keepSnapshots: ReadonlySet<string>): Promise<{ blobs: number; snapshots: number; bytes: number }>;
  /** Makes sure every layer of the image is unpacked (a GC'd or damaged snapshot is redone). */
  ensureSnapshots(id: Digest): Promise<readonly string[]>;
  /** `docker save`: one tar that is both an OCI layout and a Docker archive. */
  save(refs: readonly string[]): AsyncGenerator<Buffer>;
  /** `docker load`: an OCI layout tar or a Docker archive; returns what it loaded. */
  load(source: AsyncIterable<Uint8Array>): Promise<string[]>;
}

export interface ImageServiceDeps {
  readonly content: ContentStore;
  readonly records: ImageRecords;
  readonly registry: RegistryClient;
  /** A client that uses the given credentials (per-call auth); defaults to `registry`. */
  readonly registryWith?: (c: Credentials) => RegistryClient;
  readonly snapshots: SnapshotPort;
  readonly events?: EventBus;
  readonly now: () => Date;
  readonly downloadConcurrency?: number;
}

/** The record name of an image without a tag (image-archive.ts records loaded ones so too). */
const UNTAGGED = "tstack.local/untagged";

const ID_RE = /^(sha256:)?([a-f0-9]{4,64})$/;

export function createImageService(deps: ImageServiceDeps): ImageService {
  const { content, records, snapshots } = deps;
  const clientFor = (c?: Credentials): RegistryClient => (c && deps.registryWith ? deps.registryWith(c) : deps.registry);
  const concurrency = deps.downloadConcurrency ?? 4;
  // Blobs a running pull has stored but not yet recorded: garbage collection must keep them.
  const leases = new Map<string, number>();
  const lease = (d: string) => leases.set(d, (leases.get(d) ?? 0) + 1);
  const release = (d: string) => {
    const n = (leases.get(d) ?? 1) - 1;
    if (n <= 0) leases.delete(d);
    else leases.set(d, n);
  };

  // Manifests and configs are content-addressed, so a parsed one never goes stale: keep the
  // recent ones (list/inspect/ps ask for the same few images all the time).
  const parsedBlobs = new Map<Digest, unknown>();
  async function parsedBlob<T>(digest: Digest, parse: (b: Uint8Array) => T): Promise<T> {
    if (parsedBlobs.has(digest)) return parsedBlobs.get(digest) as T;
    const value = parse(await content.readBytes(digest));
    if (parsedBlobs.size >= 512) parsedBlobs.delete(parsedBlobs.keys().next().value as Digest);
    parsedBlobs.set(digest, value);
    return value;
  }

  async function load(config: Digest): Promise<LocalImage> {
    const recs = records.byConfig(config);
    const first = recs[0];
    if (!first) throw notFound(`No such image: ${config}`);
    const manifest = await parsedBlob(first.manifest, parseImageManifest);
    const cfg = await parsedBlob(config, parseImageConfig);
    return {
      id: config,
      names: recs.filter((r) => !r.name.includes("@")).map((r) => r.name),
      repoDigests: [...new Set(recs.map((r) => `${r.name.replace(/[:@][^/]*$/, "")}@${r.target.digest}`))],
      manifestDigest: first.manifest,
      manifest,
      config: cfg,
      chainIds: chainIds(cfg.rootfs.diff_ids),
      size: manifest.layers.reduce((s, l) => s + l.size, 0),
      recordedAt: recs.map((r) => r.recordedAt).sort()[0]!,
    };
  }

  function resolveId(refOrId: string): Digest | undefined {
    try {
      const ref = parseNamedReference(refOrId);
      const name = refToString(ref.tag || ref.digest ? ref : { ...ref, tag: "latest" });
      const rec = records.get(name);
      if (rec) return rec.config;
    } catch {
      // not a name; maybe an ID
    }
    const m = ID_RE.exec(refOrId);
    if (!m) return undefined;
    const ids = [...new Set(records.all().map((r) => r.config))].filter((id) => id.slice(7).startsWith(m[2]!));
    if (ids.length > 1) throw invalidArgument(`ambiguous image ID prefix ${refOrId}`);
    return ids[0];
  }

  async function find(refOrId: string): Promise<LocalImage | undefined> {
    const id = resolveId(refOrId);
    return id ? load(id) : undefined;
  }

  async function pullLayer(
    registry: RegistryClient,
    ref: ImageReference,
    layer: Descriptor,
    diffIds: readonly string[],
    index: number,
    chain: readonly string[],
    opts: PullOptions,
  ): Promise<void> {
    const id = shortId(layer.digest);
    const progress = opts.onProgress;
    lease(layer.digest);
    const unpack = opts.unpack ?? true;
    if ((await content.has(layer.digest)) && (!unpack || (await snapshots.has(chain[index]!)))) {
      progress?.({ kind: "layer", id, status: "Already exists" });
      return;
    }
    progress?.({ kind: "layer", id, status: "Pulling fs layer" });
    await content.ingest(
      layer.digest,
      async () => {
        const blob = await registry.fetchBlob(ref, layer, {
          ...(opts.signal ? { signal: opts.signal } : {}),
          verify: false, // the content store hashes and checks size itself
          onProgress: (p) => progress?.({ kind: "layer", id, status: "Downloading", current: p.current, total: p.total }),
        });
        return blob; // pushed into the store's writer from the connection's read buffer
      },
      { size: layer.size, ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    progress?.({ kind: "layer", id, status: "Download complete" });
    if (!unpack) return;
    await snapshots.ensureLayer(diffIds, index, () => content.open(layer.digest), (bytes) =>
      progress?.({ kind: "layer", id, status: "Extracting", current: bytes, total: layer.size }),
    );
    progress?.({ kind: "layer", id, status: "Pull complete" });
  }

  async function pull(refStr: string, opts: PullOptions = {}): Promise<LocalImage> {
    const ref = parseReference(refStr);
    const registry = clientFor(opts.credentials);
    const call = opts.signal ? { signal: opts.signal } : {};
    const resolved = await registry.resolve(ref, { ...call, ...(opts.platform ? { platform: opts.platform } : {}) });
    const held: string[] = [resolved.target.digest, resolved.descriptor.digest, resolved.manifest.config.digest];
    held.forEach(lease);
    const layerDigests = resolved.manifest.layers.map((l) => l.digest);
    try {
      opts.onProgress?.({ kind: "resolved", ref: familiarName(ref), digest: resolved.target.digest });
      if (resolved.index) await content.writeBytes(resolved.index.bytes, resolved.target.digest);
      await content.writeBytes(resolved.manifestBytes, resolved.descriptor.digest);
      const cfgDesc = resolved.manifest.config;
      await content.ingest(
        cfgDesc.digest,
        async () => registry.fetchBlob(ref, cfgDesc, { ...call, verify: false }),
        { size: cfgDesc.size, ...call },
      );
      const config = parseImageConfig(await content.readBytes(cfgDesc.digest));
      const diffIds = config.rootfs.diff_ids;
      if (diffIds.length !== resolved.manifest.layers.length) {
        throw invalidArgument(
          `image ${familiarName(ref)}: manifest has ${resolved.manifest.layers.length} layers but its config lists ${diffIds.length} diff IDs`,
        );
      }
      const chain = chainIds(diffIds);
      await mapLimit(resolved.manifest.layers, concurrency, (layer, i) => pullLayer(registry, ref, layer, diffIds, i, chain, opts));
      // Pulled by digest: recorded under the digest only (like Docker); else under the tag.
      const name = ref.digest ? `${repositoryName(ref)}@${ref.digest}` : refToString(ref);
      const previous = records.get(name);
      const record: ImageRecord = {
        name,
        target: { mediaType: resolved.target.mediaType, digest: resolved.target.digest, size: resolved.target.size },
        manifest: resolved.descriptor.digest,
        config: cfgDesc.digest,
        recordedAt: previous?.config === cfgDesc.digest ? previous.recordedAt : deps.now().toISOString(),
      };
      await records.update((m) => {
        m.set(name, record);
      });
      deps.events?.emit({ type: "image", action: "pull", id: familiarName(ref), attributes: { name: familiarName(ref) } });
      opts.onProgress?.({
        kind: "done",
        ref: familiarName(ref),
        digest: resolved.target.digest,
        newer: previous?.target.digest !== resolved.target.digest,
      });
      return await load(cfgDesc.digest);
    } finally {
      held.forEach(release);
      layerDigests.forEach(release);
    }
  }

  async function push(
    refStr: string,
    opts: { signal?: AbortSignal; onProgress?: (p: ImageProgress) => void; credentials?: Credentials } = {},
  ): Promise<Digest> {
    const ref = parseReference(refStr);
    const registry = clientFor(opts.credentials);
    const img = await find(refStr);
    if (!img) throw notFound(`No such image: ${refStr}`);
    const call = opts.signal ? { signal: opts.signal } : {};
    const configDesc = img.manifest.config;
    const blobs: Descriptor[] = [...img.manifest.layers, configDesc];
    await mapLimit(blobs, concurrency, async (d) => {
      const id = shortId(d.digest);
      opts.onProgress?.({ kind: "layer", id, status: "Preparing" });
      const result = await registry.pushBlob(ref, d, () => content.open(d.digest), {
        ...call,
        onProgress: (p) => opts.onProgress?.({ kind: "layer", id, status: "Pushing", current: p.current, total: p.total }),
      });
      opts.onProgress?.({ kind: "layer", id, status: result === "exists" ? "Layer already exists" : "Pushed" });
    });
    const manifestBytes = await content.readBytes(img.manifestDigest);
    const mediaType = img.manifest.mediaType ?? "application/vnd.oci.image.manifest.v1+json";
    const digest = await registry.pushManifest(ref, mediaType, manifestBytes, call);
    deps.events?.emit({ type: "image", action: "push", id: familiarName(ref), attributes: { name: familiarName(ref) } });
    opts.onProgress?.({ kind: "done", ref: familiarName(ref), digest, newer: true });
    return digest;
  }

  async function login(serverAddress: string, c: Credentials): Promise<void> {
    // Any authenticated call proves the credentials: a blob HEAD in a repository that need not exist.
    const host = serverAddress.replace(/^https?:\/\//, "").replace(/\/.*$/, "") || "docker.io";
    const probe = parseReference(`${host === "index.docker.io" ? "docker.io" : host}/tstack/login-check`);
    await clientFor(c).blobExists(probe, `sha256:${"0".repeat(64)}`);
  }

  const service: ImageService = {
    login,
    save: (refs) => saveImages({ content, records, images: service, now: deps.now }, refs),
    load: (source) => loadImages({ content, records, images: service, now: deps.now }, source),
    pull,
    push,
    async list() {
      const ids = [...new Set(records.all().map((r) => r.config))];
      return Promise.all(ids.map(load));
    },
    async get(refOrId) {
      const img = await find(refOrId);
      if (!img) throw notFound(`No such image: ${refOrId}`);
      return img;
    },
    find,
    async tag(source, target) {
      const img = await find(source);
      if (!img) throw notFound(`No such image: ${source}`);
      const ref = parseReference(target);
      if (ref.digest) throw invalidArgument(`cannot tag with a digest: ${target}`);
      const base = records.byConfig(img.id)[0]!;
      const name = refToString(ref);
      await records.update((m) => {
        m.set(name, { ...base, name, recordedAt: deps.now().toISOString() });
      });
      deps.events?.emit({ type: "image", action: "tag", id: img.id, attributes: { name: familiarName(ref) } });
    },
    async record(manifestDigest, names) {
      const manifest = parseImageManifest(await content.readBytes(manifestDigest));
      const config = manifest.config.digest;
      const target = { mediaType: manifest.mediaType ?? MediaType.OciManifest, digest: manifestDigest, size: (await content.info(manifestDigest)).size };
      const keys = names.map((n) => {
        const ref = parseReference(n);
        if (ref.digest) throw invalidArgument(`cannot tag with a digest: ${n}`);
        return refToString(ref);
      });
      const at = deps.now().toISOString();
      await records.update((m) => {
        for (const name of keys.length > 0 ? keys : [`${UNTAGGED}@${manifestDigest}`]) m.set(name, { name, target, manifest: manifestDigest, config, recordedAt: at });
      });
      for (const name of keys) deps.events?.emit({ type: "image", action: "tag", id: config, attributes: { name: familiarName(parseReference(name)) } });
      await service.ensureSnapshots(config);
      return load(config);
    },
    async remove(refOrId, opts) {
      const id = resolveId(refOrId);
      if (!id) throw notFound(`No such image: ${refOrId}`);
      const byName = (() => {
        try {
          const ref = parseNamedReference(refOrId);
          return refToString(ref.tag || ref.digest ? ref : { ...ref, tag: "latest" });
        } catch {
          return undefined;
        }
      })();
      const recs = records.byConfig(id);
      const namedRecord = byName ? recs.find((r) => r.name === byName) : undefined;
      // Removing one of several names only untags, as Docker does.
      if (namedRecord && recs.length > 1) {
        await records.update((m) => {
          m.delete(namedRecord.name);
        });
        deps.events?.emit({ type: "image", action: "untag", id, attributes: { name: namedRecord.name } });
        return { untagged: [familiarName(parseNamedReference(namedRecord.name))], deleted: [] };
      }
      if (!namedRecord && recs.length > 1 && !opts.force) {
        throw conflict(`unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
      }
      if (opts.inUse(id) && !opts.force) {
        throw conflict(`unable to remove image ${refOrId} (must be forced) - image ${shortId(id)} is used by a container`);
      }
      await records.update((m) => {
        for (const r of recs) m.delete(r.name);
      });
      for (const r of recs) deps.events?.emit({ type: "image", action: "untag", id, attributes: { name: r.name } });
      deps.events?.emit({ type: "image", action: "delete", id, attributes: {} });
      return { untagged: recs.map((r) => familiarName(parseNamedReference(r.name))), deleted: [id] };
    },
    async collectGarbage(keepSnapshots) {
      const keepBlobs = new Set<string>(leases.keys());
      const keepSnaps = new Set<string>(keepSnapshots);
      for (const r of records.all()) {
        keepBlobs.add(r.target.digest).add(r.manifest).add(r.config);
        const manifest = parseImageManifest(await content.readBytes(r.manifest));
        for (const l of manifest.layers) keepBlobs.add(l.digest);
        const cfg = parseImageConfig(await content.readBytes(r.config));
        for (const c of chainIds(cfg.rootfs.diff_ids)) keepSnaps.add(c);
      }
      let blobs = 0;
      let bytes = 0;
      for (const b of await content.list()) {
        if (keepBlobs.has(b.digest)) continue;
        await content.delete(b.digest);
        blobs++;
        bytes += b.size;
      }
      // A snapshot cannot go while one above it exists: remove tops first, pass by pass.
      let snaps = 0;
      let pending = (await snapshots.list()).filter((s) => !keepSnaps.has(s));
      while (pending.length > 0) {
        const left: string[] = [];
        for (const s of pending) {
          try {
            await snapshots.remove(s);
            snaps++;
          } catch (err) {
            if (!(err instanceof TstackError && err.kind === "Conflict")) throw err;
            left.push(s);
          }
        }
        if (left.length === pending.length) break;
        pending = left;
      }
      return { blobs, snapshots: snaps, bytes };
    },
    async ensureSnapshots(id) {
      const img = await load(id);
      const diffIds = img.config.rootfs.diff_ids;
      await mapLimit(img.manifest.layers, concurrency, async (layer, i) => {
        if (await snapshots.has(img.chainIds[i]!)) return;
        await snapshots.ensureLayer(diffIds, i, (): Readable => content.open(layer.digest));
      });
      return img.chainIds;
    },
  };
  return service;
}
