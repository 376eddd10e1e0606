import { notFound } from "../../common/errors.ts";
import { copySourceDigest, type CopySourceEntry } from "../cache/copy-source-digest.ts";
import type { Platform } from "../expand/platform.ts";
import type { CopyFrom } from "../expand/step.ts";
import type { BuildSession } from "./build-session.ts";
import type { SourceEntry, TreeRef } from "./ports.ts";
import { hasWildcards, literalPrefix, selectRoots, sourcePattern, type SourceRoot } from "./source-select.ts";

// A source a step reads (COPY/ADD sources, RUN bind mounts), found in its tree and hashed for
// the step's cache key. `COPY --from=<stage>` reads the stage's committed rootfs, so its digest
// is of the files the stage produced (as BuildKit's content checksums are), not of how it got
// them: a stage rebuilt with the same output leaves the COPY cached.
// What the step does not keep of a source stays out of its digest: owners when they are not
// copied (from the context, or with --chown), modes under --chmod.

export interface TreeSource {
  readonly tree: TreeRef;
  /** For messages: "the build context", "stage build", "image alpine:3.20". */
  readonly label: string;
}

export interface ReadSource {
  readonly roots: readonly SourceRoot[];
  readonly digest: string;
}

export interface KeyDrops {
  readonly owner: boolean;
  readonly mode: boolean;
}

/** The tree `from` names; a stage's is its result's rootfs (the stage is built first). */
export async function treeOf(session: BuildSession, from: CopyFrom, platform: Platform): Promise<TreeSource> {
  switch (from.kind) {
    case "context":
      return { tree: { kind: "context" }, label: "the build context" };
    case "stage": {
      const result = await session.stage(from.index);
      return { tree: { kind: "snapshot", chainId: result.chainId }, label: `stage ${result.name ?? from.index}` };
    }
    case "image": {
      const image = await session.image(from.ref, platform);
      return { tree: { kind: "snapshot", chainId: image.chainId }, label: `image ${from.ref}` };
    }
  }
}

export async function readSource(session: BuildSession, source: TreeSource, path: string, drops: KeyDrops): Promise<ReadSource> {
  const pattern = sourcePattern(path);
  const walked = await walkTree(session, source.tree, literalPrefix(pattern));
  const roots = selectRoots(pattern, walked);
  if (roots.length === 0 && !hasWildcards(pattern)) {
    const ignored = source.tree.kind === "context" ? " (or it is excluded by .dockerignore)" : "";
    throw notFound(`"${path}" not found in ${source.label}${ignored}`);
  }
  return { roots, digest: copySourceDigest(roots.flatMap((r) => r.entries).map((e) => forKey(e, drops))) };
}

async function walkTree(session: BuildSession, tree: TreeRef, under: string): Promise<SourceEntry[]> {
  const { ports, signal } = session;
  let walk: AsyncIterable<SourceEntry>;
  if (tree.kind === "context") walk = ports.context.walk(under, signal);
  else if (tree.chainId === undefined) return [];
  else walk = ports.snapshots.walk(tree.chainId, under, signal);
  const out: SourceEntry[] = [];
  for await (const e of walk) out.push(e);
  return out;
}

function forKey(e: CopySourceEntry, drops: KeyDrops): CopySourceEntry {
  return { ...e, ...(drops.owner ? { uid: 0, gid: 0 } : {}), ...(drops.mode ? { mode: 0 } : {}) };
}
