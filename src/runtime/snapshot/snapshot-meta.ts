// The metadata file of each kind of snapshot: meta.json of a committed one, active.json of an
// active one. Distinct names let a commit write the committed file into an active snapshot's
// directory first and then turn the whole directory into the committed snapshot by one rename.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../common/atomic-write.ts";

export interface CommittedMeta {
  readonly chainId: string;
  readonly diffId: string;
  readonly parent: string | null;
  /** Uncompressed layer size in bytes. */
  readonly size: number;
  readonly createdAt: string;
}

export interface ActiveMeta {
  readonly key: string;
  /** Chain ID of the committed snapshot below, null for none. */
  readonly parent: string | null;
  /** Chain IDs of the committed snapshots below, bottom first (`parent` last). */
  readonly lowers: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

const COMMITTED = "meta.json";
const ACTIVE = "active.json";

/** Written into a directory nobody sees yet (a stage), which is synced before it is published. */
export async function writeCommittedMeta(dir: string, meta: CommittedMeta): Promise<void> {
  await writeFile(join(dir, COMMITTED), `${JSON.stringify(meta)}\n`);
}

export async function writeActiveMeta(dir: string, meta: ActiveMeta): Promise<void> {
  await writeFileAtomic(join(dir, ACTIVE), `${JSON.stringify(meta)}\n`);
}

export const readCommittedMeta = (dir: string): Promise<CommittedMeta | undefined> => readJson<CommittedMeta>(join(dir, COMMITTED));

export const readActiveMeta = (dir: string): Promise<ActiveMeta | undefined> => readJson<ActiveMeta>(join(dir, ACTIVE));

/** The active snapshot's file, once its directory has become a committed snapshot. */
export const activeMetaFile = (dir: string): string => join(dir, ACTIVE);

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}
