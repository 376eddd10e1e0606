// The snapshotter's directories (layout and invariants: snapshotter.ts's opening comment) and
// the three moves every snapshot makes: built in a private staging directory, published by one
// rename, discarded by one rename into the trash before its files are deleted.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { invalidArgument } from "../../common/errors.ts";
import { assertDigest, digestHex } from "./chain-id.ts";

export interface Stage {
  readonly path: string;
  /** Lets garbage collection have the directory if it is still there (call when done with it). */
  release(): void;
}

export interface SnapshotDirs {
  /** Parent of the committed snapshots' directories: the cwd of relative lowerdirs. */
  readonly snapshots: string;
  /** Under `snapshots`: an always empty lowerdir for active snapshots without a parent. */
  readonly emptyLower: string;
  readonly active: string;
  committed(chainId: string): string;
  /** A committed snapshot's files (an overlay lowerdir). */
  committedFs(chainId: string): string;
  activeDir(key: string): string;
  /** A fresh private directory under staging/, kept from collectGarbage until released. */
  stage(label: string): Promise<Stage>;
  /** Renames `dir` to `target`; false (and `dir` untouched) when `target` exists and is not empty. */
  publish(dir: string, target: string): Promise<boolean>;
  /** Makes `dir` disappear at once, then deletes its files. */
  discard(dir: string): Promise<void>;
  /** Deletes what staging/ and trash/ hold but this process's stages (see snapshotter.ts). */
  collectGarbage(): Promise<void>;
}

// An active snapshot's key names its directory (and appears in mount options, which split on
// "," and ":"), so it is kept to a plain file name; chain IDs ("sha256:…") can never be keys.
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function assertKey(key: string): void {
  if (!KEY.test(key)) throw invalidArgument(`snapshot key ${JSON.stringify(key)}: use 1-128 of [A-Za-z0-9_.-], not starting with a dot or dash`);
}

export const isSnapshotKey = (value: string): boolean => KEY.test(value);

const random = () => randomBytes(6).toString("hex");

export function snapshotDirs(root: string): SnapshotDirs {
  const snapshots = join(root, "snapshots");
  const active = join(root, "active");
  const staging = join(root, "staging");
  const trash = join(root, "trash");
  const busy = new Set<string>();

  const committed = (chainId: string) => {
    assertDigest(chainId, "chain ID");
    return join(snapshots, digestHex(chainId));
  };

  return {
    snapshots,
    emptyLower: join(snapshots, "empty"),
    active,
    committed,
    committedFs: (chainId) => join(committed(chainId), "fs"),
    activeDir(key) {
      assertKey(key);
      return join(active, key);
    },
    async stage(label) {
      const name = `${label}-${random()}`;
      busy.add(name);
      try {
        await mkdir(join(staging, name), { recursive: true });
      } catch (err) {
        busy.delete(name);
        throw err;
      }
      return { path: join(staging, name), release: () => busy.delete(name) };
    },
    async publish(dir, target) {
      await mkdir(join(target, ".."), { recursive: true });
      try {
        await rename(dir, target);
        return true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOTEMPTY" || code === "EEXIST") return false;
        throw err;
      }
    },
    async discard(dir) {
      await mkdir(trash, { recursive: true });
      const gone = join(trash, `${dir.split("/").at(-1) ?? "x"}-${random()}`);
      // Rename first so the snapshot disappears at once, even if deleting its files takes long.
      await rename(dir, gone);
      await rm(gone, { recursive: true, force: true });
    },
    async collectGarbage() {
      for (const dir of [staging, trash]) {
        const names = await readdirOrEmpty(dir);
        await Promise.all(names.filter((n) => !busy.has(n)).map((n) => rm(join(dir, n), { recursive: true, force: true })));
      }
    },
  };
}

/** The names in `dir`; none when it does not exist (yet). */
export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
