import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../common/atomic-write.ts";
import { notFound } from "../common/errors.ts";
import type { NetworkRecord } from "./network-record.ts";
import { compareStrings } from "../common/compare-strings.ts";

/** Network records, one JSON file each under `<dir>/<id>.json`, cached in memory. */
export interface NetworkStore {
  list(): readonly NetworkRecord[];
  /** By full id, unique id prefix, or name (Docker's lookup order: id, name, prefix). */
  find(idOrName: string): NetworkRecord | undefined;
  get(idOrName: string): NetworkRecord;
  put(n: NetworkRecord): Promise<void>;
  delete(id: string): Promise<void>;
}

export async function openNetworkStore(dir: string): Promise<NetworkStore> {
  await mkdir(dir, { recursive: true });
  const byId = new Map<string, NetworkRecord>();
  for (const f of await readdir(dir)) {
    if (!f.endsWith(".json")) continue;
    // A half-written record cannot exist (atomic writes); an unreadable one is reported, not dropped.
    const n = JSON.parse(await readFile(join(dir, f), "utf8")) as NetworkRecord;
    byId.set(n.id, n);
  }
  const find = (key: string) => {
    const exact = byId.get(key);
    if (exact) return exact;
    const named = [...byId.values()].find((n) => n.name === key);
    if (named) return named;
    const pre = key.length >= 1 ? [...byId.values()].filter((n) => n.id.startsWith(key)) : [];
    return pre.length === 1 ? pre[0] : undefined;
  };
  return {
    list: () => [...byId.values()].sort((a, b) => compareStrings(a.created, b.created) || compareStrings(a.name, b.name)),
    find,
    get(key) {
      const n = find(key);
      if (!n) throw notFound(`network ${key} not found`);
      return n;
    },
    async put(n) {
      await writeJsonAtomic(join(dir, `${n.id}.json`), n);
      byId.set(n.id, n);
    },
    async delete(id) {
      await rm(join(dir, `${id}.json`), { force: true });
      byId.delete(id);
    },
  };
}
