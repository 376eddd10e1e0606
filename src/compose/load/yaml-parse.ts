import { LineCounter, parse as parseYamlValue, parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, visit } from "yaml";
import type { Document, Node as YamlNode, Scalar } from "yaml";
import { loadError } from "./errors.ts";
import type { SourcePosition, TreePath } from "./errors.ts";
import { PositionIndex, isPlainObject, setOwn } from "./positions.ts";

// `!reset` drops a value inherited from an earlier file; `!override` replaces it instead of
// merging. Both are remembered by path and applied by the merge phase.
export type TagKind = "reset" | "override";
export interface TaggedPath {
  readonly path: TreePath;
  readonly kind: TagKind;
}

export interface ParsedDocument {
  readonly file: string;
  readonly tree: Record<string, unknown>;
  readonly tagged: readonly TaggedPath[];
}

export interface YamlParseOptions {
  // How many nodes alias expansion may create in one document before we call it an alias bomb.
  readonly maxAliasNodes?: number;
}

export const DEFAULT_MAX_ALIAS_NODES = 50_000;

// YAML 1.1 octal (`mode: 0440`) which compose (go-yaml) still reads as octal; YAML 1.2 would say 440.
const LEGACY_OCTAL = /^[-+]?0[0-7]+$/;

/**
 * Parses every document of a compose file into plain trees, recording source positions in
 * `positions`. An empty file (no documents) yields an empty list.
 */
export function parseComposeYaml(
  text: string,
  file: string,
  positions: PositionIndex,
  options: YamlParseOptions = {},
): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: false, // we report duplicates ourselves, with both lines
    prettyErrors: false,
    version: "1.2",
  });
  const posAt = (offset: number): SourcePosition => {
    const lp = lineCounter.linePos(offset);
    return { file, line: lp.line, column: lp.col };
  };
  const out: ParsedDocument[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err !== undefined) {
      throw loadError(`invalid YAML: ${err.message}`, posAt(err.pos[0]), undefined, err);
    }
    if (doc.contents === null) continue;
    const conv = new Converter(doc, posAt, positions, options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES);
    const root = doc.contents;
    if (!isMap(root) && !isAlias(root)) {
      throw loadError("top-level object must be a mapping", posAt(root.range?.[0] ?? 0));
    }
    const tree = conv.convert(root, []);
    if (!isPlainObject(tree)) {
      throw loadError("top-level object must be a mapping", posAt(root.range?.[0] ?? 0));
    }
    positions.setSelf(tree, posAt(root.range?.[0] ?? 0));
    out.push({ file, tree, tagged: conv.tagged });
  }
  return out;
}

class Converter {
  readonly tagged: TaggedPath[] = [];
  // Collections being converted right now, with their paths: an alias to one of them is a cycle.
  readonly #inProgress = new Map<YamlNode, TreePath>();
  #aliasDepth = 0;
  #aliasNodes = 0;
  // Anchor name → anchored nodes in document order (the library's own lookup rescans the document
  // for every alias, which alias-heavy documents cannot afford).
  readonly #anchors = new Map<string, YamlNode[]>();

  constructor(
    readonly doc: Document,
    readonly posAt: (offset: number) => SourcePosition,
    readonly positions: PositionIndex,
    readonly maxAliasNodes: number,
  ) {
    visit(doc, (_key, node) => {
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor === undefined || isAlias(node)) return;
      const list = this.#anchors.get(anchor) ?? [];
      list.push(node as YamlNode);
      this.#anchors.set(anchor, list);
    });
  }

  nodePos(node: YamlNode | null | undefined): SourcePosition | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.posAt(start);
  }

  // The node an alias points at (or the node itself).
  deref(node: YamlNode, path: TreePath): YamlNode {
    if (!isAlias(node)) return node;
    // The latest definition of the anchor before the alias.
    const at = node.range?.[0] ?? Number.MAX_SAFE_INTEGER;
    let target: YamlNode | undefined;
    for (const candidate of this.#anchors.get(node.source) ?? []) {
      if ((candidate.range?.[0] ?? 0) < at) target = candidate;
    }
    if (target === undefined) throw loadError(`unknown anchor "${node.source}"`, this.nodePos(node), path);
    return target;
  }

  tagKind(node: YamlNode, path: TreePath): TagKind | undefined {
    const tag = this.deref(node, path).tag;
    return tag === "!reset" ? "reset" : tag === "!override" ? "override" : undefined;
  }

  convert(node: YamlNode, path: TreePath): unknown {
    if (this.#aliasDepth > 0 && ++this.#aliasNodes > this.maxAliasNodes) {
      throw loadError(
        `excessive aliasing: expanding aliases would create more than ${this.maxAliasNodes} nodes`,
        this.nodePos(node),
        path,
      );
    }
    if (isAlias(node)) {
      const target = this.deref(node, path);
      const cyclePath = this.#inProgress.get(target);
      if (cyclePath !== undefined) {
        throw loadError(
          `cycle detected: alias *${node.source} at path ${fmt(path)} references node at path ${fmt(cyclePath)} that contains it`,
          this.nodePos(node),
          path,
        );
      }
      this.#aliasDepth++;
      try {
        return this.convert(target, path);
      } finally {
        this.#aliasDepth--;
      }
    }
    if (isScalar(node)) return scalarValue(node);
    if (isMap(node) || isSeq(node)) {
      this.#inProgress.set(node, path);
      try {
        return isMap(node) ? this.convertMap(node, path) : this.convertSeq(node, path);
      } finally {
        this.#inProgress.delete(node);
      }
    }
    throw loadError("unsupported YAML node", this.nodePos(node), path);
  }

  convertSeq(node: YamlNode & { items: unknown[] }, path: TreePath): unknown[] {
    const out: unknown[] = [];
    node.items.forEach((item, i) => {
      const child = item as YamlNode;
      const childPath = [...path, i];
      const tag = this.tagKind(child, childPath);
      if (tag !== undefined) this.tagged.push({ path: [...path, out.length], kind: tag });
      if (tag === "reset") return;
      const idx = out.length;
      out.push(this.convert(child, [...path, idx]));
      this.positions.set(out, idx, this.nodePos(child));
    });
    return out;
  }

  convertMap(node: YamlNode & { items: unknown[] }, path: TreePath): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Map<string, number>();
    const merges: YamlNode[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      const keyPos = this.nodePos(keyNode) ?? this.nodePos(node);
      const key = this.keyString(keyNode, path, keyPos);
      const prev = seen.get(key);
      if (prev !== undefined) {
        throw loadError(`line ${keyPos?.line}: mapping key "${key}" already defined at line ${prev}`, keyPos, path);
      }
      seen.set(key, keyPos?.line ?? 0);
      const valueNode = (item.value ?? null) as YamlNode | null;
      if (key === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN") {
        if (valueNode !== null) merges.push(valueNode);
        continue;
      }
      const childPath = [...path, key];
      if (valueNode === null) {
        setOwn(out, key, null);
        this.positions.set(out, key, keyPos);
        continue;
      }
      const tag = this.tagKind(valueNode, childPath);
      if (tag !== undefined) this.tagged.push({ path: childPath, kind: tag });
      if (tag === "reset") continue;
      setOwn(out, key, this.convert(valueNode, childPath));
      this.positions.set(out, key, keyPos);
    }
    if (merges.length > 0) return this.applyMergeKeys(out, merges, path);
    return out;
  }

  // `<<: *base` or `<<: [*a, *b]`: explicit keys win, then earlier sources win over later ones.
  applyMergeKeys(own: Record<string, unknown>, merges: YamlNode[], path: TreePath): Record<string, unknown> {
    const sources: { value: Record<string, unknown>; node: YamlNode }[] = [];
    for (const m of merges) {
      const target = this.deref(m, path);
      const list = isSeq(target) ? (target.items as YamlNode[]) : [m];
      for (const src of list) {
        const value = this.convert(src, path);
        if (!isPlainObject(value)) {
          throw loadError("map merge requires map or sequence of maps as the value", this.nodePos(src), path);
        }
        sources.push({ value, node: src });
      }
    }
    const out: Record<string, unknown> = {};
    for (const { value } of sources) {
      for (const [k, v] of Object.entries(value)) {
        if (Object.hasOwn(out, k) || Object.hasOwn(own, k)) continue;
        setOwn(out, k, v);
        this.positions.copy(value, k, out, k);
      }
    }
    for (const [k, v] of Object.entries(own)) {
      setOwn(out, k, v);
      this.positions.copy(own, k, out, k);
    }
    return out;
  }

  keyString(keyNode: YamlNode | null, path: TreePath, pos: SourcePosition | undefined): string {
    const where = path.length === 0 ? "at top level" : `in ${fmt(path)}`;
    if (keyNode === null) throw loadError(`non-string key ${where}: null`, pos, path);
    if (!isScalar(keyNode)) {
      throw loadError(`non-string key ${where}: ${String(keyNode)}`, pos, path);
    }
    const v = scalarValue(keyNode);
    if (typeof v !== "string") throw loadError(`non-string key ${where}: ${keyNode.source ?? String(v)}`, pos, path);
    return v;
  }
}

function fmt(path: TreePath): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out === "" ? "(root)" : out;
}

function scalarValue(node: Scalar): unknown {
  const src = typeof node.source === "string" ? node.source : undefined;
  if (node.type === "PLAIN" && src !== undefined) {
    if (node.tag === undefined && LEGACY_OCTAL.test(src)) return Number.parseInt(src, 8);
    // Our custom tags are unknown to the YAML library, which then keeps the raw text; resolve it
    // as an untagged plain scalar would have been.
    if (node.tag === "!reset" || node.tag === "!override") return src === "" ? null : parseYamlValue(src);
  }
  const v = node.value;
  if (typeof v === "bigint") return Number(v);
  return v === undefined ? null : v;
}
