// `GET /containers/{id}/changes` (docker diff): Docker's ContainerChangeResponseItem list.
import type { ChangeKind, FsChange } from "../../runtime/snapshot/index.ts";

export interface ChangeJson {
  readonly Path: string;
  /** 0 modified, 1 added, 2 deleted (Docker's archive.ChangeType). */
  readonly Kind: 0 | 1 | 2;
}

export function changeKindCode(kind: ChangeKind): ChangeJson["Kind"] {
  switch (kind) {
    case "modified":
      return 0;
    case "added":
      return 1;
    case "deleted":
      return 2;
    default: {
      const never: never = kind;
      throw new Error(`unknown change kind ${JSON.stringify(never)}`);
    }
  }
}

/** Docker answers `null`, not `[]`, for a container that changed nothing (a nil Go slice). */
export function changesJson(changes: readonly FsChange[]): readonly ChangeJson[] | null {
  if (changes.length === 0) return null;
  return changes.map((c) => ({ Path: c.path, Kind: changeKindCode(c.kind) }));
}
