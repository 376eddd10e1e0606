import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../../common/atomic-write.ts";
import type { BuildCache, CacheRecord } from "../../build/executor/ports.ts";
import { isDigest, type Digest } from "../content/digest.ts";

// The image builder's step cache on disk: one JSON file per cache key under the engine's state
// root (`<dir>/<sha256 of the key>.json`), written temp → fsync → rename, so a record is whole
// or absent. Records are not kept alive by anything: image garbage collection may remove the
// snapshot or the blob a record names, so get() returns a record only while both still exist
// (and treats an unreadable file as a miss: the step is simply performed again).

export interface BuildCacheDeps {
  readonly dir: string;
  /** The committed snapshot exists. */
  readonly hasSnapshot: (chainId: string) => Promise<boolean>;
  /** The layer blob is in the content store. */
  readonly hasBlob: (digest: Digest) => Promise<boolean>;
}

interface RecordFile {
  readonly version: 1;
  readonly key: string;
  readonly record: CacheRecord;
}

export function createBuildCache(deps: BuildCacheDeps): BuildCache {
  const fileOf = (key: string) => join(deps.dir, `${createHash("sha256").update(key).digest("hex")}.json`);
  return {
    async get(key, signal) {
      signal.throwIfAborted();
      let parsed: RecordFile;
      try {
        parsed = JSON.parse(await readFile(fileOf(key), "utf8")) as RecordFile;
      } catch {
        return undefined;
      }
      if (parsed.version !== 1 || parsed.key !== key) return undefined;
      const { record } = parsed;
      if (record.chainId !== undefined && !(await deps.hasSnapshot(record.chainId))) return undefined;
      if (record.layer !== undefined && !(isDigest(record.layer.blob.digest) && (await deps.hasBlob(record.layer.blob.digest)))) return undefined;
      return record;
    },
    async put(key, record) {
      const file: RecordFile = { version: 1, key, record };
      await writeJsonAtomic(fileOf(key), file);
    },
  };
}
