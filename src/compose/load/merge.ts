import { loadError } from "./errors.ts";
import type { SourcePosition, TreePath } from "./errors.ts";
import { findMatch, pattern } from "./path-pattern.ts";
import type { PathPattern } from "./path-pattern.ts";
import { PositionIndex, isPlainObject, setOwn } from "./positions.ts";
import type { TaggedPath } from "./yaml-parse.ts";
import { shortVolumeTarget } from "./volume-target.ts";

// Merging compose files (`-f a -f b`, override files, include conflicts, extends) following the
// compose specification's merge rules as compose-go implements them: mappings merge key by key,
// sequences concatenate and are then de-duplicated by a per-field identity (a port, a mount
// target, a variable name, …), scalars are replaced, and some fields have their own rules.
// Merging works on the raw (not yet canonicalised) tree, so identities are computed from either
// the short or the long syntax.

type Merger = (base: unknown, over: unknown, path: TreePath, ctx: MergeContext) => unknown;

interface MergeContext {
  readonly positions: PositionIndex;
}

const replace: Merger = (_b, o) => o;

const toSequenceMerger: Merger = (b, o, _p, ctx) => concat(toSequence(b, ctx), toSequence(o, ctx), ctx);

const SPECIAL: readonly (readonly [PathPattern, Merger])[] = (
  [
    ["networks.*.ipam.config", mergeIpamConfig],
    ["networks.*.labels", toSequenceMerger],
    ["volumes.*.labels", toSequenceMerger],
    ["services.*.annotations", toSequenceMerger],
    ["services.*.build", mergeBuild],
    ["services.*.build.args", toSequenceMerger],
    ["services.*.build.additional_contexts", toSequenceMerger],
    ["services.*.build.extra_hosts", mergeExtraHosts],
    ["services.*.build.labels", toSequenceMerger],
    ["services.*.command", replace],
    ["services.*.depends_on", mergeDependsOn],
    ["services.*.deploy.labels", toSequenceMerger],
    ["services.*.dns", toSequenceMerger],
    ["services.*.dns_opt", toSequenceMerger],
    ["services.*.dns_search", toSequenceMerger],
    ["services.*.entrypoint", replace],
    ["services.*.env_file", toSequenceMerger],
    ["services.*.label_file", toSequenceMerger],
    ["services.*.environment", toSequenceMerger],
    ["services.*.extra_hosts", mergeExtraHosts],
    ["services.*.healthcheck.test", replace],
    ["services.*.labels", toSequenceMerger],
    ["services.*.logging", mergeLogging],
    ["services.*.models", mergeToMapping],
    ["services.*.networks", mergeToMapping],
    ["services.*.sysctls", toSequenceMerger],
    ["services.*.tmpfs", toSequenceMerger],
    ["services.*.ulimits.*", replace],
  ] as const
).map(([p, m]) => [pattern(p), m as Merger] as const);

/**
 * Merges `over` onto `base` (both whole compose trees) and de-duplicates sequences. Returns a
 * new tree; positions follow whichever side each value came from.
 */
export function mergeTrees(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  positions: PositionIndex,
): Record<string, unknown> {
  const ctx = { positions };
  const merged = mergeMappings(base, over, [], ctx);
  return enforceUnicity(merged, [], ctx) as Record<string, unknown>;
}

// Merges one resource definition (a service for `extends`, or an included resource) onto another.
export function mergeResource(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  path: TreePath,
  positions: PositionIndex,
): Record<string, unknown> {
  const ctx = { positions };
  const merged = mergeValue(base, over, path, ctx);
  return enforceUnicity(merged, path, ctx) as Record<string, unknown>;
}

function mergeValue(base: unknown, over: unknown, path: TreePath, ctx: MergeContext, pos?: SourcePosition): unknown {
  const special = findMatch(path, SPECIAL);
  if (special !== undefined) return special(base, over, path, ctx);
  if (over === null || over === undefined) return base;
  if (isPlainObject(base)) {
    if (!isPlainObject(over)) throw cannotOverride(path, pos);
    return mergeMappings(base, over, path, ctx);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw cannotOverride(path, pos);
    return concat(base, over, ctx);
  }
  return over;
}

function cannotOverride(path: TreePath, pos: SourcePosition | undefined) {
  return loadError("cannot override: the value has a different type than the one it overrides", pos, path);
}

function mergeMappings(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  path: TreePath,
  ctx: MergeContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) {
    setOwn(out, k, v);
    ctx.positions.copy(base, k, out, k);
  }
  for (const [k, v] of Object.entries(over)) {
    if (!Object.hasOwn(out, k)) {
      setOwn(out, k, v);
      ctx.positions.copy(over, k, out, k);
      continue;
    }
    setOwn(out, k, mergeValue(out[k], v, [...path, k], ctx, ctx.positions.get(over, k)));
    if (v !== null && v !== undefined) ctx.positions.copy(over, k, out, k);
  }
  const self = ctx.positions.getSelf(base) ?? ctx.positions.getSelf(over);
  if (self !== undefined) ctx.positions.setSelf(out, self);
  return out;
}

function concat(a: readonly unknown[], b: readonly unknown[], ctx: MergeContext): unknown[] {
  const out = [...a, ...b];
  a.forEach((_, i) => ctx.positions.copy(a, i, out, i));
  b.forEach((_, i) => ctx.positions.copy(b, i, out, a.length + i));
  return out;
}

// Mapping or list form to list form: {A: 1, B: null} → ["A=1", "B"], sorted as compose does.
function toSequence(value: unknown, ctx: MergeContext): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [value];
  if (!isPlainObject(value)) return [];
  const items: { s: string; key: string }[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) items.push({ s: k, key: k });
    else if (Array.isArray(v)) for (const e of v) items.push({ s: `${k}=${scalarText(e)}`, key: k });
    else items.push({ s: `${k}=${scalarText(v)}`, key: k });
  }
  items.sort((x, y) => (x.s < y.s ? -1 : x.s > y.s ? 1 : 0));
  const out = items.map((i) => i.s);
  items.forEach((it, i) => ctx.positions.copy(value, it.key, out, i));
  return out;
}

function scalarText(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
}

function toMapping(value: unknown, defaults: Record<string, unknown> | null, ctx: MergeContext): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    value.forEach((name, i) => {
      const key = scalarText(name);
      setOwn(out, key, defaults === null ? null : { ...defaults });
      ctx.positions.copy(value, i, out, key);
    });
  }
  return out;
}

function mergeBuild(b: unknown, o: unknown, path: TreePath, ctx: MergeContext): unknown {
  if (o === null || o === undefined) return b;
  const asMap = (v: unknown) => (typeof v === "string" ? { context: v } : isPlainObject(v) ? v : {});
  return mergeMappings(asMap(b), asMap(o), path, ctx);
}

function mergeDependsOn(b: unknown, o: unknown, path: TreePath, ctx: MergeContext): unknown {
  const defaults = { condition: "service_started", required: true };
  return mergeMappings(toMapping(b, defaults, ctx), toMapping(o, defaults, ctx), path, ctx);
}

function mergeToMapping(b: unknown, o: unknown, path: TreePath, ctx: MergeContext): unknown {
  return mergeMappings(toMapping(b, null, ctx), toMapping(o, null, ctx), path, ctx);
}

function mergeExtraHosts(b: unknown, o: unknown, _path: TreePath, ctx: MergeContext): unknown {
  const base = toSequence(b, ctx);
  const over = toSequence(o, ctx);
  const fresh = over.filter((v) => !base.includes(v));
  return concat(base, fresh, ctx);
}

// The logging options merge only when both sides use the same driver (or one names none).
function mergeLogging(b: unknown, o: unknown, path: TreePath, ctx: MergeContext): unknown {
  if (!isPlainObject(b) || !isPlainObject(o)) return o ?? b;
  if (!Object.hasOwn(o, "driver") || !Object.hasOwn(b, "driver") || o["driver"] === b["driver"]) {
    return mergeMappings(b, o, path, ctx);
  }
  return o;
}

// IPAM pools are identified by subnet: an override for the same subnet merges into it.
function mergeIpamConfig(b: unknown, o: unknown, path: TreePath, ctx: MergeContext): unknown {
  if (!Array.isArray(b) || !Array.isArray(o)) return o ?? b;
  const out: unknown[] = [...b];
  b.forEach((_, i) => ctx.positions.copy(b, i, out, i));
  o.forEach((entry, i) => {
    const subnet = isPlainObject(entry) ? entry["subnet"] : undefined;
    const at = out.findIndex((e) => isPlainObject(e) && e["subnet"] === subnet);
    if (at >= 0 && isPlainObject(entry)) {
      out[at] = mergeMappings(out[at] as Record<string, unknown>, entry, [...path, at], ctx);
      ctx.positions.copy(o, i, out, at);
    } else {
      out.push(entry);
      ctx.positions.copy(o, i, out, out.length - 1);
    }
  });
  return out;
}

// ---- sequence de-duplication: the last definition of an identity wins, at the first one's place.

type Indexer = (entry: unknown) => string;

const keyValue: Indexer = (v) => (typeof v === "string" ? (v.split("=", 1)[0] as string) : scalarText(v));
const asText: Indexer = (v) => scalarText(v);

const volumeIdentity: Indexer = (v) => {
  if (isPlainObject(v)) return typeof v["target"] === "string" ? v["target"] : scalarText(v);
  if (typeof v === "string") return shortVolumeTarget(v) ?? v;
  return scalarText(v);
};

const deviceIdentity: Indexer = (v) => {
  if (isPlainObject(v)) return typeof v["target"] === "string" ? v["target"] : scalarText(v);
  if (typeof v === "string") {
    const parts = v.split(":");
    return (parts.length === 1 ? parts[0] : parts[1]) as string;
  }
  return scalarText(v);
};

const mountIdentity =
  (dir: string): Indexer =>
  (v) => {
    if (typeof v === "string") return `${dir}/${v}`;
    if (isPlainObject(v)) {
      if (v["target"] !== undefined && v["target"] !== null) return scalarText(v["target"]);
      return `${dir}/${scalarText(v["source"])}`;
    }
    return scalarText(v);
  };

const portIdentity: Indexer = (v) => {
  if (isPlainObject(v)) {
    const host = v["host_ip"] ?? "0.0.0.0";
    const protocol = v["protocol"] ?? "tcp";
    return `${scalarText(host)}:${scalarText(v["published"] ?? "")}:${scalarText(v["target"])}/${scalarText(protocol)}`;
  }
  return scalarText(v);
};

const envFileIdentity: Indexer = (v) => (isPlainObject(v) ? scalarText(v["path"]) : scalarText(v));

const UNIQUE: readonly (readonly [PathPattern, Indexer])[] = (
  [
    ["networks.*.labels", keyValue],
    ["networks.*.ipam.options", keyValue],
    ["services.*.annotations", keyValue],
    ["services.*.build.args", keyValue],
    ["services.*.build.additional_contexts", keyValue],
    ["services.*.build.platform", keyValue],
    ["services.*.build.tags", keyValue],
    ["services.*.build.labels", keyValue],
    ["services.*.cap_add", keyValue],
    ["services.*.cap_drop", keyValue],
    ["services.*.configs", mountIdentity("")],
    ["services.*.deploy.labels", keyValue],
    ["services.*.dns", keyValue],
    ["services.*.dns_opt", keyValue],
    ["services.*.dns_search", keyValue],
    ["services.*.environment", keyValue],
    ["services.*.env_file", envFileIdentity],
    ["services.*.expose", asText],
    ["services.*.labels", keyValue],
    ["services.*.links", keyValue],
    ["services.*.networks.*.aliases", keyValue],
    ["services.*.networks.*.link_local_ips", keyValue],
    ["services.*.ports", portIdentity],
    ["services.*.profiles", keyValue],
    ["services.*.secrets", mountIdentity("/run/secrets")],
    ["services.*.sysctls", keyValue],
    ["services.*.tmpfs", keyValue],
    ["services.*.volumes", volumeIdentity],
    ["services.*.devices", deviceIdentity],
  ] as const
).map(([p, m]) => [pattern(p), m as Indexer] as const);

function enforceUnicity(value: unknown, path: TreePath, ctx: MergeContext): unknown {
  if (Array.isArray(value)) {
    const indexer = findMatch(path, UNIQUE);
    if (indexer === undefined) return value;
    const out: unknown[] = [];
    const seen = new Map<string, number>();
    value.forEach((entry, i) => {
      const id = indexer(entry);
      const at = seen.get(id);
      if (at !== undefined) {
        out[at] = entry;
        ctx.positions.copy(value, i, out, at);
      } else {
        seen.set(id, out.length);
        out.push(entry);
        ctx.positions.copy(value, i, out, out.length - 1);
      }
    });
    return out;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "object" && v !== null) {
        const next = enforceUnicity(v, [...path, k], ctx);
        if (next !== v) value[k] = next;
      }
    }
  }
  return value;
}

// `!reset` and `!override` of the file being merged remove the earlier value first, so the new
// value (if any) is set rather than merged.
export function applyTaggedPaths(target: Record<string, unknown>, tagged: readonly TaggedPath[], prefix: TreePath = []): void {
  const relevant = tagged
    .filter((t) => prefix.every((seg, i) => t.path[i] === seg))
    .map((t) => t.path.slice(prefix.length));
  // Remove list items from the highest index down so earlier removals do not shift later ones.
  relevant.sort((a, b) => {
    const x = a[a.length - 1];
    const y = b[b.length - 1];
    return typeof x === "number" && typeof y === "number" ? y - x : 0;
  });
  for (const rel of relevant) {
    if (rel.length === 0) continue;
    let node: unknown = target;
    for (const seg of rel.slice(0, -1)) {
      if (typeof node !== "object" || node === null) break;
      node = (node as Record<string | number, unknown>)[seg];
    }
    const last = rel[rel.length - 1] as string | number;
    if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
    else if (isPlainObject(node) && typeof last === "string") delete node[last];
  }
}
