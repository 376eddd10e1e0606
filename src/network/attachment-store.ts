import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../common/atomic-write.ts";
import type { Conflist } from "./conflist.ts";
import type { CniRuntime } from "./cni-invoker.ts";
import type { CniResult } from "./cni-result.ts";
import type { ResolvedPortMapping } from "./ports.ts";

/**
 * One container on one network, persisted (like libcni's result cache) so DEL gets the exact
 * conflist, runtime config and prevResult of the ADD even after an engine restart or crash.
 * Written *before* ADD without `result` (an intent), and again with it after: a crash in between
 * still leaves a record from which `reclaim` can DEL.
 */
export interface AttachmentRecord {
  readonly containerId: string;
  readonly networkId: string;
  readonly conflist: Conflist;
  readonly runtime: CniRuntime;
  readonly result?: CniResult;
  readonly names: readonly string[];
  readonly ports: readonly ResolvedPortMapping[];
  readonly address?: { readonly ip: string; readonly prefixLen: number; readonly gateway: string; readonly mac?: string };
}

export interface AttachmentStore {
  list(): readonly AttachmentRecord[];
  get(containerId: string, networkId: string): AttachmentRecord | undefined;
  put(r: AttachmentRecord): Promise<void>;
  delete(containerId: string, networkId: string): Promise<void>;
}

const fileOf = (containerId: string, networkId: string) => `${containerId}+${networkId}.json`;

export async function openAttachmentStore(dir: string): Promise<AttachmentStore> {
  await mkdir(dir, { recursive: true });
  const map = new Map<string, AttachmentRecord>();
  for (const f of await readdir(dir)) {
    if (!f.endsWith(".json")) continue;
    const r = JSON.parse(await readFile(join(dir, f), "utf8")) as AttachmentRecord;
    map.set(fileOf(r.containerId, r.networkId), r);
  }
  return {
    list: () => [...map.values()],
    get: (c, n) => map.get(fileOf(c, n)),
    async put(r) {
      await writeJsonAtomic(join(dir, fileOf(r.containerId, r.networkId)), r);
      map.set(fileOf(r.containerId, r.networkId), r);
    },
    async delete(c, n) {
      await rm(join(dir, fileOf(c, n)), { force: true });
      map.delete(fileOf(c, n));
    },
  };
}
