import { Readable } from "node:stream";
import { TstackError, dataLoss, failedPrecondition, invalidArgument, unimplemented } from "../../common/errors.ts";
import { isDigest, sha256Digest, type Digest } from "../content/digest.ts";
import { familiarName, familiarRepository, pullTarget } from "../reference/format-reference.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { createAuthorizer } from "./authorizer.ts";
import type { CredentialLookup } from "./docker-config.ts";
import type { Descriptor, ImageIndex, ImageManifest, ManifestDocument } from "./manifest-types.ts";
import { MANIFEST_ACCEPT } from "./media-types.ts";
import { checkDigest, parseManifestDocument } from "./parse-manifest.ts";
import { hostPlatform, selectPlatform, type PlatformSpec } from "./platform.ts";
import { isAbort, networkError } from "./registry-errors.ts";
import {
  silentLogger,
  systemClock,
  type Clock,
  type FetchFn,
  type Http1GetFn,
  type ProgressListener,
  type RegistryLogger,
} from "./seams.ts";
import { createTokenCache } from "./token-cache.ts";
import { DEFAULT_RETRY, createTransport, type RetryPolicy } from "./transport.ts";
import { ContentVerifier } from "./verify-stream.ts";
import { downloadInto } from "./blob-download.ts";
import { pullScope, pushScope } from "./scopes.ts";
import { pushedChunks } from "../../common/pushed-chunks.ts";
import { http1Request } from "../../common/http1/http1-request.ts";
import type { ByteSink } from "../../common/http1/byte-sink.ts";

export interface RegistryClientOptions {
  /** HTTP client; defaults to the global (undici) fetch. */
  readonly fetch?: FetchFn;
  /** Blob downloads' HTTP/1.1 client; defaults to common/http1 (one reused read buffer per connection). */
  readonly get?: Http1GetFn;
  readonly clock?: Clock;
  /** Where credentials come from; defaults to anonymous. See dockerConfigCredentials(). */
  readonly credentials?: CredentialLookup;
  /** Registries (`host` or `host:port`) spoken to over plain HTTP besides loopback ones. */
  readonly insecureRegistries?: readonly string[];
  /** The platform chosen from multi-platform images; defaults to this host's. */
  readonly platform?: PlatformSpec;
  readonly logger?: RegistryLogger;
  /** Default progress listener for blob transfers (a call may pass its own). */
  readonly onProgress?: ProgressListener;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
  /** Manifests larger than this are refused (they are read into memory). */
  readonly maxManifestBytes?: number;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface PingResult {
  readonly url: string;
  readonly auth: "none" | "basic" | "bearer";
}

/** A manifest or index as fetched: its verified descriptor, exact bytes and parsed form. */
export interface FetchedManifest {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
  readonly document: ManifestDocument;
}

/**
 * What a reference resolves to for this platform. `target` is what the reference names (an
 * index for multi-platform images: its digest is the "repo digest" Docker shows); the rest is
 * the image manifest chosen for the platform. When the reference names an image manifest
 * directly, `target` and `descriptor` are the same and `index` is absent.
 */
export interface ResolvedImage {
  readonly ref: ImageReference;
  readonly target: Descriptor;
  readonly index?: { readonly bytes: Uint8Array; readonly index: ImageIndex };
  readonly descriptor: Descriptor;
  readonly manifestBytes: Uint8Array;
  readonly mediaType: string;
  readonly manifest: ImageManifest;
}

/** A blob's body, to be read once, one of three ways. */
export interface BlobStream {
  /**
   * Pushes the bytes into `sink` straight from the connection's reused read buffer: no memory
   * is allocated per network chunk (the content store's way; see common/http1).
   */
  pushInto(sink: ByteSink): Promise<void>;
  /** The bytes as chunks the caller may keep (copies). */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** The bytes as a Node stream (made on first use); destroy it to stop the download. */
  readonly stream: Readable;
  readonly size: number;
}

export interface FetchBlobOptions extends CallOptions {
  readonly onProgress?: ProgressListener;
  /** Check sha256 and size while streaming (DataLoss on mismatch); off when the caller hashes. */
  readonly verify?: boolean;
}

export interface PushBlobOptions extends CallOptions {
  readonly onProgress?: ProgressListener;
  /** A repository on the same registry that may already hold the blob (cross-repo mount). */
  readonly mountFrom?: ImageReference;
}

export type PushBlobResult = "exists" | "mounted" | "uploaded";

/**
 * A client of the OCI distribution API. Stateless towards callers apart from caches of
 * auth challenges and tokens (per registry host and scope), so one client serves a whole engine.
 */
export interface RegistryClient {
  ping(domain: string, opts?: CallOptions): Promise<PingResult>;
  /** Resolves a reference (tag or digest) down to one image manifest for the platform. */
  resolve(ref: ImageReference, opts?: CallOptions & { readonly platform?: PlatformSpec }): Promise<ResolvedImage>;
  /** The descriptor a reference points to, via HEAD (cheap; does not count as a Hub pull). */
  head(ref: ImageReference, opts?: CallOptions): Promise<Descriptor>;
  getManifest(ref: ImageReference, digest: Digest, opts?: CallOptions): Promise<FetchedManifest>;
  fetchBlob(ref: ImageReference, descriptor: Descriptor, opts?: FetchBlobOptions): Promise<BlobStream>;
  blobExists(ref: ImageReference, digest: Digest, opts?: CallOptions): Promise<boolean>;
  pushBlob(
    ref: ImageReference,
    descriptor: Descriptor,
    open: () => Readable | AsyncIterable<Uint8Array>,
    opts?: PushBlobOptions,
  ): Promise<PushBlobResult>;
  /** Puts a manifest under the reference's tag (or its digest); returns the manifest digest. */
  pushManifest(ref: ImageReference, mediaType: string, bytes: Uint8Array, opts?: CallOptions): Promise<Digest>;
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;


function asBytes(s: Uint8Array | Buffer): Uint8Array {
  return s instanceof Buffer ? new Uint8Array(s.buffer, s.byteOffset, s.byteLength) : s;
}

export function createRegistryClient(opts: RegistryClientOptions = {}): RegistryClient {
  const fetchFn: FetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const userAgent = opts.userAgent ?? "tstack/0.1";
  const maxManifest = opts.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  const authorizer = createAuthorizer({
    fetch: fetchFn,
    credentials: opts.credentials ?? (async () => undefined),
    tokens: createTokenCache(clock),
    logger,
    userAgent,
  });
  const transport = createTransport({
    fetch: fetchFn,
    get: opts.get ?? http1Request,
    clock,
    authorizer,
    logger,
    insecureRegistries: opts.insecureRegistries ?? [],
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    userAgent,
  });

  // `busybox:latest`, `localhost:5000/x@sha256:…` — how Docker names images in messages.
  const nameAt = (ref: ImageReference, target: string) =>
    `${familiarRepository(ref)}${target.includes(":") ? "@" : ":"}${target}`;

  async function fetchManifest(
    ref: ImageReference,
    target: string,
    signal: AbortSignal | undefined,
    expected?: Descriptor,
  ): Promise<FetchedManifest> {
    const name = nameAt(ref, target);
    const byDigest = target.includes(":");
    if (byDigest) checkDigest(target, `manifest for ${name}`);
    const res = await transport.request({
      method: "GET",
      domain: ref.domain,
      path: `/v2/${ref.path}/manifests/${target}`,
      scopes: pullScope(ref),
      headers: { Accept: MANIFEST_ACCEPT },
      action: `pull manifest for ${name}`,
      notFound: `manifest for ${name} not found`,
      signal,
    });
    const declaredLength = Number(res.headers.get("content-length") ?? NaN);
    if (declaredLength > maxManifest) {
      await res.body?.cancel().catch(() => {});
      throw dataLoss(`manifest for ${name} is ${declaredLength} bytes, larger than the ${maxManifest}-byte limit`);
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      if (isAbort(err, signal)) throw signal?.reason ?? err;
      throw networkError(err, ref.domain, `pull manifest for ${name}`);
    }
    if (bytes.byteLength > maxManifest) throw dataLoss(`manifest for ${name} is larger than the ${maxManifest}-byte limit`);
    const digest = sha256Digest(bytes);
    if (byDigest && digest !== target) {
      throw dataLoss(`manifest for ${name}: digest mismatch: registry sent content with digest ${digest}`);
    }
    const header = res.headers.get("docker-content-digest");
    if (!byDigest && header !== null && isDigest(header) && header !== digest) {
      throw dataLoss(`manifest for ${name}: digest mismatch: registry says ${header}, content is ${digest}`);
    }
    if (expected !== undefined && expected.size !== bytes.byteLength) {
      throw dataLoss(`manifest for ${name}: size mismatch: expected ${expected.size} bytes, got ${bytes.byteLength}`);
    }
    const document = parseManifestDocument(bytes, res.headers.get("content-type") ?? undefined, `manifest for ${name}`);
    return { descriptor: { mediaType: document.mediaType, digest, size: bytes.byteLength }, bytes, document };
  }

  async function exists(ref: ImageReference, digest: Digest, scopes: readonly string[], signal?: AbortSignal) {
    const res = await transport.request({
      method: "HEAD",
      domain: ref.domain,
      path: `/v2/${ref.path}/blobs/${digest}`,
      scopes,
      accept: [404],
      action: `check blob ${digest} in ${familiarRepository(ref)}`,
      signal,
    });
    await res.body?.cancel().catch(() => {});
    return res.status !== 404;
  }

  function progressCounting(
    source: Readable | AsyncIterable<Uint8Array>,
    digest: string,
    total: number,
    onProgress: ProgressListener | undefined,
  ): AsyncIterable<Uint8Array> {
    return (async function* () {
      let sent = 0;
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        sent += chunk.byteLength;
        onProgress?.({ kind: "blob", phase: "upload", digest, current: sent, total });
        yield chunk;
      }
    })();
  }

  async function uploadOnce(
    ref: ImageReference,
    desc: Descriptor,
    open: () => Readable | AsyncIterable<Uint8Array>,
    o: PushBlobOptions,
  ): Promise<PushBlobResult> {
    const repo = familiarRepository(ref);
    const mount = o.mountFrom !== undefined && o.mountFrom.domain === ref.domain && o.mountFrom.path !== ref.path;
    const scopes = mount ? [...pushScope(ref), ...pullScope(o.mountFrom!)] : pushScope(ref);
    const query = mount ? `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(o.mountFrom!.path)}` : "";
    const start = await transport.request({
      method: "POST",
      domain: ref.domain,
      path: `/v2/${ref.path}/blobs/uploads/${query}`,
      scopes,
      headers: { "Content-Length": "0" },
      action: `push blob ${desc.digest} to ${repo}`,
      signal: o.signal,
    });
    await start.body?.cancel().catch(() => {});
    if (mount && start.status === 201) return "mounted";
    const location = start.headers.get("location");
    if (start.status !== 202 || location === null) {
      throw new TstackError("Unavailable", `push blob ${desc.digest} to ${repo}: registry answered ${start.status} without an upload location`);
    }
    const put = `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(desc.digest)}`;
    const onProgress = o.onProgress ?? opts.onProgress;
    const res = await transport.request({
      method: "PUT",
      domain: ref.domain,
      path: new URL(put, transport.baseUrl(ref.domain)).href,
      scopes,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(desc.size) },
      body: () =>
        desc.size === 0
          ? new Uint8Array(0)
          : (Readable.from(progressCounting(open(), desc.digest, desc.size, onProgress)) as unknown as ReadableStream),
      retry: false, // a half-sent upload session is not reusable; pushBlob starts a new one
      action: `push blob ${desc.digest} to ${repo}`,
      signal: o.signal,
    });
    await res.body?.cancel().catch(() => {});
    return "uploaded";
  }

  return {
    async ping(domain, o = {}) {
      const res = await transport.request({
        method: "GET",
        domain,
        path: "/v2/",
        scopes: [],
        accept: [401],
        action: `ping registry ${domain}`,
        signal: o.signal,
      });
      await res.body?.cancel().catch(() => {});
      if (res.status !== 401) return { url: res.url || `${transport.baseUrl(domain)}/v2/`, auth: "none" };
      const header = res.headers.get("www-authenticate") ?? "";
      authorizer.challenged(new URL(transport.baseUrl(domain)).host, header, undefined);
      return { url: res.url, auth: /^\s*bearer/i.test(header) ? "bearer" : "basic" };
    },

    async resolve(ref, o = {}) {
      const platform = o.platform ?? opts.platform ?? hostPlatform();
      const top = await fetchManifest(ref, pullTarget(ref), o.signal);
      let current = top;
      let chosen: Descriptor = top.descriptor;
      let index: ResolvedImage["index"];
      // Indexes may nest (an index of indexes); a few levels are plenty.
      for (let depth = 0; current.document.kind === "index"; depth++) {
        if (depth >= 4) throw unimplemented(`${familiarName(ref)}: image indexes nested more than 4 levels deep`);
        index ??= { bytes: current.bytes, index: current.document.index };
        chosen = selectPlatform(current.document.index.manifests, platform, familiarName(ref));
        current = await fetchManifest(ref, chosen.digest, o.signal, chosen);
      }
      const manifest = current.document.manifest;
      return {
        ref,
        target: top.descriptor,
        ...(index !== undefined ? { index } : {}),
        descriptor: { ...chosen, mediaType: current.descriptor.mediaType },
        manifestBytes: current.bytes,
        mediaType: current.descriptor.mediaType,
        manifest,
      };
    },

    async head(ref, o = {}) {
      const target = pullTarget(ref);
      const name = nameAt(ref, target);
      const res = await transport.request({
        method: "HEAD",
        domain: ref.domain,
        path: `/v2/${ref.path}/manifests/${target}`,
        scopes: pullScope(ref),
        headers: { Accept: MANIFEST_ACCEPT },
        action: `resolve ${name}`,
        notFound: `manifest for ${name} not found`,
        signal: o.signal,
      });
      await res.body?.cancel().catch(() => {});
      const digest = res.headers.get("docker-content-digest");
      const size = Number(res.headers.get("content-length") ?? NaN);
      const mediaType = res.headers.get("content-type")?.split(";")[0]?.trim();
      if (digest !== null && isDigest(digest) && Number.isSafeInteger(size) && mediaType) {
        if (target.includes(":") && digest !== target) {
          throw dataLoss(`manifest for ${name}: registry reports digest ${digest}`);
        }
        return { mediaType, digest, size };
      }
      // Registries need not send the digest on HEAD; fetch the manifest to learn it.
      return (await fetchManifest(ref, target, o.signal)).descriptor;
    },

    async getManifest(ref, digest, o = {}) {
      return fetchManifest(ref, digest, o.signal);
    },

    async fetchBlob(ref, desc, o = {}) {
      const repo = familiarRepository(ref);
      checkDigest(desc.digest, `blob of ${repo}`);
      const first = await transport.stream({
        method: "GET",
        domain: ref.domain,
        path: `/v2/${ref.path}/blobs/${desc.digest}`,
        scopes: pullScope(ref),
        action: `pull blob ${desc.digest} of ${repo}`,
        notFound: `blob ${desc.digest} of ${repo} not found`,
        signal: o.signal,
      });
      const download = { ref, desc, first, onProgress: o.onProgress ?? opts.onProgress, signal: o.signal };
      let taken = false;
      const pushInto = async (sink: ByteSink) => {
        if (taken) throw failedPrecondition(`blob ${desc.digest}: its body was already read`);
        taken = true;
        if (!o.verify) return downloadInto({ transport, clock, logger }, download, sink);
        const verifier = new ContentVerifier(desc, `blob ${desc.digest} of ${repo}`);
        await downloadInto({ transport, clock, logger }, download, {
          write(bytes) {
            verifier.update(bytes);
            return sink.write(bytes);
          },
          drained: () => sink.drained(),
        });
        verifier.finish();
      };
      let chunks: AsyncIterable<Uint8Array> | undefined;
      let stream: Readable | undefined;
      const asChunks = () => (chunks ??= pushedChunks(pushInto));
      return {
        pushInto,
        get chunks() {
          return asChunks();
        },
        get stream() {
          stream ??= Readable.from(asChunks(), { objectMode: false });
          return stream;
        },
        size: desc.size,
      };
    },

    async blobExists(ref, digest, o = {}) {
      return exists(ref, digest, pullScope(ref), o.signal);
    },

    async pushBlob(ref, desc, open, o = {}) {
      checkDigest(desc.digest, `blob for ${familiarRepository(ref)}`);
      if (await exists(ref, desc.digest, pushScope(ref), o.signal)) return "exists";
      for (let attempt = 1; ; attempt++) {
        try {
          return await uploadOnce(ref, desc, open, o);
        } catch (err) {
          if (!(err instanceof TstackError) || err.kind !== "Unavailable" || attempt >= transport.retry.attempts) throw err;
          logger.debug("blob upload failed; starting a new upload", { digest: desc.digest, attempt, error: err.message });
          await clock.sleep(transport.backoff(attempt), o.signal);
        }
      }
    },

    async pushManifest(ref, mediaType, bytes, o = {}) {
      const name = familiarName(ref);
      try {
        parseManifestDocument(bytes, mediaType, `manifest for ${name}`);
      } catch (err) {
        if (err instanceof TstackError && err.kind === "DataLoss") throw invalidArgument(`cannot push ${name}: ${err.message}`, err);
        throw err;
      }
      const digest = sha256Digest(bytes);
      if (ref.digest !== undefined && ref.tag === undefined && ref.digest !== digest) {
        throw invalidArgument(`cannot push ${name}: the manifest's digest is ${digest}`);
      }
      const res = await transport.request({
        method: "PUT",
        domain: ref.domain,
        path: `/v2/${ref.path}/manifests/${ref.tag ?? digest}`,
        scopes: pushScope(ref),
        headers: { "Content-Type": mediaType },
        body: () => asBytes(bytes),
        action: `push manifest ${name}`,
        signal: o.signal,
      });
      await res.body?.cancel().catch(() => {});
      const header = res.headers.get("docker-content-digest");
      if (header !== null && isDigest(header) && header !== digest) {
        throw dataLoss(`push manifest ${name}: registry stored digest ${header}, expected ${digest}`);
      }
      return digest;
    },
  };
}
