import { notFound } from "../../../common/errors.ts";
import { canonicalJson } from "../../../compose/model/canonical-json.ts";
import type { ImageRuntimeConfig } from "../../../runtime/registry/manifest-types.ts";
import { parseDockerignore, type DockerIgnore } from "../../context/dockerignore.ts";
import type { Platform } from "../../expand/platform.ts";
import { LAYER_MEDIA_TYPE } from "../in-snapshot.ts";
import type {
  BuildCache,
  BuildContextReader,
  BuildImages,
  BuildLayer,
  BuildPorts,
  CacheRecord,
  OciImageConfig,
  ResolvedImage,
  SourceEntry,
} from "../ports.ts";
import type { BuildProgressEvent } from "../progress.ts";
import { FakeRunner } from "./fake-runner.ts";
import { FakeSnapshots } from "./fake-snapshots.ts";
import { fileNode, removeTree, setNode, sha256, treeFrom, walkTree, type FakeNode, type FakeTree } from "./fake-tree.ts";

// Every BuildPort in memory, sharing one fake snapshotter, for the executor's unit tests.
// Images are one layer each, made from a file map; the context is a file map the test edits
// between builds; the cache survives between builds of the same fakes.

export class FakeContext implements BuildContextReader {
  tree: FakeTree;
  ignore: DockerIgnore | undefined;
  /** Every directory a walk listed (context-relative). */
  readonly listed: string[] = [];

  constructor(files: Readonly<Record<string, string | FakeNode>>, ignoreText?: string) {
    this.tree = treeFrom(prefixed(files));
    this.ignore = ignoreText === undefined ? undefined : parseDockerignore(ignoreText);
  }

  async *walk(under: string, signal: AbortSignal): AsyncGenerator<SourceEntry> {
    signal.throwIfAborted();
    yield* walkTree(this.tree, under, this.ignore, this.listed);
  }

  write(path: string, content: string | FakeNode): void {
    setNode(this.tree, `/${path}`, typeof content === "string" ? fileNode(content) : content);
  }

  remove(path: string): void {
    removeTree(this.tree, `/${path}`);
  }
}

export interface FakeImage {
  readonly files: Readonly<Record<string, string | FakeNode>>;
  readonly config?: ImageRuntimeConfig;
}

export class FakeImages implements BuildImages {
  readonly resolved: string[] = [];
  readonly stored: { readonly config: OciImageConfig; readonly layers: readonly BuildLayer[]; readonly tags: readonly string[] }[] = [];

  constructor(
    private readonly snapshots: FakeSnapshots,
    readonly images: Record<string, FakeImage>,
  ) {}

  async resolve(ref: string, platform: Platform, signal: AbortSignal): Promise<ResolvedImage> {
    signal.throwIfAborted();
    this.resolved.push(ref);
    const image = this.images[ref];
    if (image === undefined) throw notFound(`pull access denied for ${ref}, repository does not exist`);
    const made = this.snapshots.store(undefined, treeFrom(image.files));
    return {
      digest: sha256(`manifest ${ref} ${canonicalJson(image)}`),
      chainId: made.chainId,
      config: {
        architecture: platform.architecture,
        os: platform.os,
        config: image.config ?? { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
        rootfs: { type: "layers", diff_ids: [made.diffId as `sha256:${string}`] },
        history: [{ created: "2020-01-01T00:00:00Z", created_by: `/bin/sh -c #(nop) ADD ${ref}` }],
      },
      layers: [{ diffId: made.diffId, blob: { ...made.blob, mediaType: LAYER_MEDIA_TYPE } }],
    };
  }

  async store(config: OciImageConfig, layers: readonly BuildLayer[], tags: readonly string[]): Promise<{ readonly id: string }> {
    this.stored.push({ config, layers, tags });
    return { id: sha256(canonicalJson(config)) };
  }
}

export class FakeCache implements BuildCache {
  readonly records = new Map<string, CacheRecord>();
  hits = 0;

  async get(key: string): Promise<CacheRecord | undefined> {
    const found = this.records.get(key);
    if (found !== undefined) this.hits++;
    return found;
  }

  async put(key: string, record: CacheRecord): Promise<void> {
    this.records.set(key, record);
  }
}

export interface Fakes {
  readonly ports: BuildPorts;
  readonly snapshots: FakeSnapshots;
  readonly runner: FakeRunner;
  readonly context: FakeContext;
  readonly images: FakeImages;
  readonly cache: FakeCache;
  readonly events: BuildProgressEvent[];
}

export function createFakes(options: {
  readonly images?: Record<string, FakeImage>;
  readonly context?: Readonly<Record<string, string | FakeNode>>;
  readonly dockerignore?: string;
}): Fakes {
  const context = new FakeContext(options.context ?? {}, options.dockerignore);
  const snapshots = new FakeSnapshots(() => context.tree);
  const runner = new FakeRunner(snapshots);
  const images = new FakeImages(snapshots, options.images ?? {});
  const cache = new FakeCache();
  const events: BuildProgressEvent[] = [];
  let ids = 0;
  let seconds = 0;
  const ports: BuildPorts = {
    images,
    snapshots,
    runner,
    context,
    cache,
    now: () => new Date(Date.UTC(2024, 0, 1) + 1000 * seconds++),
    newId: () => `b${++ids}`,
    onEvent: (e) => events.push(e),
  };
  return { ports, snapshots, runner, context, images, cache, events };
}

function prefixed(files: Readonly<Record<string, string | FakeNode>>): Record<string, string | FakeNode> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`/${k}`, v]));
}
