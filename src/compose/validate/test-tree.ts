// Test-only: builds a LoadedTreeLike from YAML text with the `yaml` package, so validation and
// normalisation can be tested without the real loader. Interpolation here is a crude stand-in
// (${VAR}, ${VAR:-default}, ${VAR-default}, $VAR; unknown variables become "").
import { dirname } from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { LoadedTreeLike, SourcePosition, TreePath } from "./input.ts";

export interface TestTreeOptions {
  readonly file?: string;
  readonly projectName?: string;
  readonly projectDirectory?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly interpolate?: boolean;
}

export function treeFromYaml(text: string, opts: TestTreeOptions = {}): LoadedTreeLike {
  const file = opts.file ?? "/project/compose.yaml";
  const env = opts.environment ?? {};
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: false });
  if (doc.errors.length > 0) throw doc.errors[0];
  let tree = doc.toJS({ maxAliasCount: 10_000 }) as unknown;
  if (opts.interpolate) tree = interpolate(tree, env);
  const root = (tree ?? {}) as Record<string, unknown>;
  const name = opts.projectName ?? (typeof root.name === "string" ? root.name : "");
  const positionOf = (path: TreePath): SourcePosition | undefined => {
    let node: unknown = doc.contents;
    let at: Node | undefined = doc.contents ?? undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return undefined;
        at = (pair.key as Node) ?? undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        if (!item) return undefined;
        at = item as Node;
        node = item;
      } else return undefined;
    }
    const offset = at?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lc.linePos(offset);
    return { file, line, column: col };
  };
  return {
    projectName: name,
    projectDirectory: opts.projectDirectory ?? dirname(file),
    configFiles: [file],
    environment: env,
    tree: root,
    positionOf,
  };
}

function interpolate(v: unknown, env: Readonly<Record<string, string>>): unknown {
  if (typeof v === "string") {
    return v.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced, op, arg, bare) => {
      if (m === "$$") return "$";
      const name = (braced ?? bare) as string;
      const val = env[name];
      if (op === ":-") return val === undefined || val === "" ? (arg as string) : val;
      if (op === "-") return val ?? (arg as string);
      if (op === ":+") return val !== undefined && val !== "" ? (arg as string) : "";
      if (op === "+") return val !== undefined ? (arg as string) : "";
      return val ?? "";
    });
  }
  if (Array.isArray(v)) return v.map((x) => interpolate(x, env));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x, env)]));
  }
  return v;
}
