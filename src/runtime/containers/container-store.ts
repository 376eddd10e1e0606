import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../../common/atomic-write.ts";
import { conflict, notFound } from "../../common/errors.ts";
import { Mutex } from "../../common/mutex.ts";
import type { ContainerRecord } from "./container-record.ts";
import { findRecord } from "./record-index.ts";

/**
 * The containers the engine knows, one `container.json` per container directory, written
 * atomically. Each container has its own mutex so lifecycle operations on one container
 * are serialised while different containers proceed in parallel.
 */
export interface ContainerStore {
  list(): readonly ContainerRecord[];
  find(idOrName: string): ContainerRecord | undefined;
  get(idOrName: string): ContainerRecord;
  /** Reserves the name and writes the first record; fails if the name is taken. */
  add(record: ContainerRecord): Promise<void>;
  /** Replaces the record (same id) durably. */
  save(record: ContainerRecord): Promise<ContainerRecord>;
  update(id: string, fn: (r: ContainerRecord) => ContainerRecord): Promise<ContainerRecord>;
  delete(id: string): Promise<void>;
  /** Runs `fn` holding the container's lock. */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T>;
  nameTaken(name: string): boolean;
}

export async function openContainerStore(dir: string): Promise<ContainerStore> {
  await mkdir(dir, { recursive: true });
  const records = new Map<string, ContainerRecord>();
  const locks = new Map<string, Mutex>();
  for (const id of await readdir(dir)) {
    try {
      const rec = JSON.parse(await readFile(join(dir, id, "container.json"), "utf8")) as ContainerRecord;
      records.set(rec.id, rec);
    } catch {
      // A directory without a readable record is what a crashed create left: nothing runs from it.
      await rm(join(dir, id), { recursive: true, force: true });
    }
  }
  const lockOf = (id: string) => {
    let m = locks.get(id);
    if (!m) locks.set(id, (m = new Mutex()));
    return m;
  };
  const file = (id: string) => join(dir, id, "container.json");
  const store: ContainerStore = {
    list: () => [...records.values()],
    find: (key) => findRecord(records.values(), key, "container"),
    get(key) {
      const r = store.find(key);
      if (!r) throw notFound(`No such container: ${key}`);
      return r;
    },
    nameTaken: (name) => [...records.values()].some((r) => r.name === name),
    async add(record) {
      const holder = [...records.values()].find((r) => r.name === record.name);
      if (holder) {
        throw conflict(
          `the container name "/${record.name}" is already in use by container "${holder.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
      records.set(record.id, record);
      try {
        await mkdir(join(dir, record.id), { recursive: true });
        await writeJsonAtomic(file(record.id), record);
      } catch (err) {
        records.delete(record.id);
        throw err;
      }
    },
    async save(record) {
      await writeJsonAtomic(file(record.id), record);
      records.set(record.id, record);
      return record;
    },
    async update(id, fn) {
      const cur = records.get(id);
      if (!cur) throw notFound(`No such container: ${id}`);
      return store.save(fn(cur));
    },
    async delete(id) {
      records.delete(id);
      locks.delete(id);
      await rm(join(dir, id), { recursive: true, force: true });
    },
    locked: (id, fn) => lockOf(id).run(fn),
  };
  return store;
}
