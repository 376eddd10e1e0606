import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../../common/atomic-write.ts";
import { Mutex } from "../../common/mutex.ts";
import type { Digest } from "../content/digest.ts";
import type { Descriptor } from "../registry/index.ts";
import { compareStrings } from "../../common/compare-strings.ts";

/** What a name points to. The image ID is the config digest, as in Docker. */
export interface ImageRecord {
  /** Canonical: `docker.io/library/busybox:latest`, or `repo@sha256:…` for a pull by digest. */
  readonly name: string;
  /** The descriptor the registry served for the name: an index or a manifest. */
  readonly target: Descriptor;
  /** The platform image manifest chosen from the target. */
  readonly manifest: Digest;
  readonly config: Digest;
  readonly recordedAt: string;
}

interface RecordsFile {
  readonly version: 1;
  readonly records: Record<string, ImageRecord>;
}

/**
 * name → image records, kept in one JSON file written atomically. Reads are served from
 * memory; every change is a read-modify-write under a mutex so concurrent pulls and tags
 * cannot lose each other's updates.
 */
export interface ImageRecords {
  get(name: string): ImageRecord | undefined;
  all(): readonly ImageRecord[];
  byConfig(config: Digest): readonly ImageRecord[];
  update<T>(fn: (records: Map<string, ImageRecord>) => T): Promise<T>;
}

export async function openImageRecords(dir: string): Promise<ImageRecords> {
  const file = join(dir, "images.json");
  const mutex = new Mutex();
  let current = new Map<string, ImageRecord>();
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as RecordsFile;
    current = new Map(Object.entries(parsed.records));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return {
    get: (name) => current.get(name),
    all: () => [...current.values()],
    byConfig: (config) => [...current.values()].filter((r) => r.config === config),
    update: (fn) =>
      mutex.run(async () => {
        const next = new Map(current);
        const result = fn(next);
        const out: RecordsFile = { version: 1, records: Object.fromEntries([...next].sort(([a], [b]) => compareStrings(a, b))) };
        await writeJsonAtomic(file, out);
        current = next;
        return result;
      }),
  };
}
