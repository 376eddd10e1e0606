import { loadError } from "./errors.ts";
import type { TreePath } from "./errors.ts";
import { findMatch, pattern } from "./path-pattern.ts";
import type { PathPattern } from "./path-pattern.ts";
import type { PositionIndex } from "./positions.ts";
import { TemplateError, substitute } from "./template.ts";
import type { VariableLookup } from "./template.ts";

type Cast = (value: string) => unknown;

const toInt: Cast = (v) => {
  if (!/^[-+]?\d+$/.test(v)) throw new Error(`invalid integer: ${JSON.stringify(v)}`);
  return Number.parseInt(v, 10);
};
const toFloat: Cast = (v) => {
  const n = Number(v.trim());
  if (v.trim() === "" || !Number.isFinite(n)) throw new Error(`invalid number: ${JSON.stringify(v)}`);
  return n;
};
// YAML 1.1 booleans are still accepted here, as compose does for interpolated values.
const toBool: Cast = (v) => {
  switch (v.toLowerCase()) {
    case "true":
    case "y":
    case "yes":
    case "on":
      return true;
    case "false":
    case "n":
    case "no":
    case "off":
      return false;
    default:
      throw new Error(`invalid boolean: ${JSON.stringify(v)}`);
  }
};

// Fields whose interpolated string must become a number or boolean before schema validation
// (compose-go's interpolateTypeCastMapping). Only strings that contained a substitution are cast.
const CASTS: readonly (readonly [PathPattern, Cast])[] = (
  [
    ["services.*.cpu_count", toInt],
    ["services.*.cpu_percent", toFloat],
    ["services.*.cpu_period", toInt],
    ["services.*.cpu_quota", toInt],
    ["services.*.cpu_rt_period", toInt],
    ["services.*.cpu_rt_runtime", toInt],
    ["services.*.cpus", toFloat],
    ["services.*.cpu_shares", toInt],
    ["services.*.init", toBool],
    ["services.*.depends_on.*.required", toBool],
    ["services.*.depends_on.*.restart", toBool],
    ["services.*.deploy.replicas", toInt],
    ["services.*.deploy.update_config.parallelism", toInt],
    ["services.*.deploy.update_config.max_failure_ratio", toFloat],
    ["services.*.deploy.rollback_config.parallelism", toInt],
    ["services.*.deploy.rollback_config.max_failure_ratio", toFloat],
    ["services.*.deploy.restart_policy.max_attempts", toInt],
    ["services.*.deploy.placement.max_replicas_per_node", toInt],
    ["services.*.healthcheck.retries", toInt],
    ["services.*.healthcheck.disable", toBool],
    ["services.*.oom_kill_disable", toBool],
    ["services.*.oom_score_adj", toInt],
    ["services.*.pids_limit", toInt],
    ["services.*.ports.*.target", toInt],
    ["services.*.privileged", toBool],
    ["services.*.read_only", toBool],
    ["services.*.scale", toInt],
    ["services.*.stdin_open", toBool],
    ["services.*.tty", toBool],
    ["services.*.ulimits.*", toInt],
    ["services.*.ulimits.*.hard", toInt],
    ["services.*.ulimits.*.soft", toInt],
    ["services.*.volumes.*.read_only", toBool],
    ["services.*.volumes.*.volume.nocopy", toBool],
    ["networks.*.external", toBool],
    ["networks.*.internal", toBool],
    ["networks.*.attachable", toBool],
    ["networks.*.enable_ipv4", toBool],
    ["networks.*.enable_ipv6", toBool],
    ["volumes.*.external", toBool],
    ["secrets.*.external", toBool],
    ["configs.*.external", toBool],
  ] as const
).map(([p, c]) => [pattern(p), c] as const);

export interface InterpolateOptions {
  readonly lookup: VariableLookup;
  readonly positions: PositionIndex;
  readonly onUnset?: (name: string, path: TreePath) => void;
}

/**
 * Substitutes variables in every string value (never in keys) of `tree`, in place, so the
 * positions recorded for the tree stay valid. Errors name the path and its source position.
 */
export function interpolateTree(tree: Record<string, unknown>, opts: InterpolateOptions): void {
  walk(tree, [], opts);
}

function walk(container: Record<string, unknown> | unknown[], path: TreePath, opts: InterpolateOptions): void {
  const entries: [string | number, unknown][] = Array.isArray(container)
    ? container.map((v, i) => [i, v])
    : Object.entries(container);
  for (const [key, value] of entries) {
    const childPath = [...path, key];
    if (typeof value === "string") {
      const next = interpolateValue(value, childPath, container, key, opts);
      if (next !== value) (container as Record<string | number, unknown>)[key] = next;
    } else if (typeof value === "object" && value !== null) {
      walk(value as Record<string, unknown> | unknown[], childPath, opts);
    }
  }
}

function interpolateValue(
  value: string,
  path: TreePath,
  container: object,
  key: string | number,
  opts: InterpolateOptions,
): unknown {
  let out: string;
  try {
    out = substitute(value, opts.lookup, { onUnset: (name) => opts.onUnset?.(name, path) });
  } catch (err) {
    const pos = opts.positions.get(container, key);
    if (err instanceof TemplateError && err.kind === "invalid") {
      throw loadError(
        `invalid interpolation format ${JSON.stringify(value)}; you may need to escape any $ with another $`,
        pos,
        path,
        err,
      );
    }
    throw loadError(err instanceof Error ? err.message : String(err), pos, path, err);
  }
  if (out === value) return value;
  const cast = findMatch(path, CASTS);
  if (cast === undefined) return out;
  try {
    return cast(out);
  } catch (err) {
    throw loadError(
      `failed to cast interpolated value to the expected type: ${(err as Error).message}`,
      opts.positions.get(container, key),
      path,
      err,
    );
  }
}
