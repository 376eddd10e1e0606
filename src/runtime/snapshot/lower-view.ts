// The image's filesystem as overlayfs merges its layers, read without mounting them: each
// question is answered from the top layer down, stopping where a higher layer hides the rest
// (a whiteout, a non-directory over a directory, an opaque directory).
import { lstat, readdir } from "node:fs/promises";
import type { Stats } from "node:fs";
import { join } from "node:path";
import type { OpaqueProbe } from "./opaque-probe.ts";
import { isWhiteout } from "./upper-dir.ts";

/** A read-only view of merged image layers; paths are absolute inside the container. */
export interface LowerView {
  /** The subset of `paths` that exist in the merged layers. */
  existing(paths: readonly string[]): Promise<ReadonlySet<string>>;
  /** Names in directory `path` of the merged layers, sorted; empty when it is no directory there. */
  list(path: string): Promise<readonly string[]>;
}

export interface LayeredLowerViewOptions {
  readonly opaque: OpaqueProbe;
}

// What one layer says about a path:
//   found   the layer has it (type given, for listing)
//   hidden  the layer deletes it (whiteout on it or an ancestor, or a non-directory ancestor)
//   absent  the layer says nothing, unless one of `dirs` (its existing ancestors) is opaque
type LayerAnswer =
  | { readonly kind: "found"; readonly st: Stats }
  | { readonly kind: "hidden" }
  | { readonly kind: "absent"; readonly dirs: readonly string[] };

/** A view over layer directories given topmost first, as in overlay's lowerdir option. */
export function layeredLowerView(layersTopFirst: readonly string[], options: LayeredLowerViewOptions): LowerView {
  async function answer(layer: string, path: string): Promise<LayerAnswer> {
    const parts = path.split("/").filter(Boolean);
    const dirs: string[] = [];
    let host = layer;
    for (let i = 0; i < parts.length; i++) {
      host = join(host, parts[i] as string);
      let st: Stats;
      try {
        st = await lstat(host);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return { kind: "absent", dirs };
        throw err;
      }
      if (isWhiteout(st)) return { kind: "hidden" };
      if (i === parts.length - 1) return { kind: "found", st };
      if (!st.isDirectory()) return { kind: "hidden" };
      dirs.push(host);
    }
    return { kind: "found", st: await lstat(layer) };
  }

  return {
    async existing(paths) {
      const result = new Set<string>();
      let pending = [...new Set(paths)];
      for (const layer of layersTopFirst) {
        if (pending.length === 0) break;
        const answers = await Promise.all(pending.map(async (p) => [p, await answer(layer, p)] as const));
        // One probe per layer for every path this layer is silent about.
        const ask = [...new Set(answers.flatMap(([, a]) => (a.kind === "absent" ? a.dirs : [])))];
        const opaque = ask.length > 0 ? await options.opaque(ask) : new Set<string>();
        const next: string[] = [];
        for (const [p, a] of answers) {
          switch (a.kind) {
            case "found":
              result.add(p);
              break;
            case "hidden":
              break;
            case "absent":
              if (!a.dirs.some((d) => opaque.has(d))) next.push(p);
              break;
            default: {
              const never: never = a;
              throw new Error(`unexpected layer answer ${JSON.stringify(never)}`);
            }
          }
        }
        pending = next;
      }
      return result;
    },

    async list(path) {
      const names = new Set<string>();
      const masked = new Set<string>();
      for (const layer of layersTopFirst) {
        const a = await answer(layer, path);
        if (a.kind === "hidden") break;
        if (a.kind === "absent") {
          if (a.dirs.length > 0 && (await options.opaque(a.dirs)).size > 0) break;
          continue;
        }
        // A file here hides any directory of that name below.
        if (!a.st.isDirectory()) break;
        const dir = join(layer, path);
        for (const name of await readdir(dir)) {
          if (names.has(name) || masked.has(name)) continue;
          if (isWhiteout(await lstat(join(dir, name)))) masked.add(name);
          else names.add(name);
        }
        if ((await options.opaque([dir])).size > 0) break;
      }
      return [...names].sort();
    },
  };
}
