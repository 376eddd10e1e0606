import type { BuildContextReader } from "../../build/executor/ports.ts";
import type { DockerIgnore } from "../../build/context/dockerignore.ts";
import { walkTree, type TreeWalkOptions } from "./tree-walk.ts";

// The build context as the executor reads it: a local directory walked with the build's ignore
// matcher (tree-walk.ts: files hashed while read, excluded trees never listed, symlinks never
// followed out of the context).

export interface ContextWalkerOptions {
  /** The context directory, absolute (a symlink to it is fine: it is the root). */
  readonly dir: string;
  readonly ignore?: DockerIgnore;
  readonly observe?: TreeWalkOptions["observe"];
}

export function createContextWalker(o: ContextWalkerOptions): BuildContextReader {
  return {
    walk: (under, signal) =>
      walkTree(o.dir, under, { signal, ...(o.ignore ? { ignore: o.ignore } : {}), ...(o.observe ? { observe: o.observe } : {}) }),
  };
}
