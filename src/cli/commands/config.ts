import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { invalidArgument } from "../../common/errors.ts";
import { configHash, type Project } from "../../compose/model/index.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";

export interface ConfigOptions {
  readonly services: readonly string[];
  readonly format: "yaml" | "json";
  /** What to print instead of the model. */
  readonly view: "model" | "services" | "volumes" | "profiles" | "quiet" | { readonly hash: readonly string[] };
  readonly output?: string;
}

export function configOptionsOf(inv: Invocation): ConfigOptions {
  const o = inv.options;
  const format = o["format"] === "json" ? "json" : "yaml";
  const view: ConfigOptions["view"] =
    o["quiet"] === true
      ? "quiet"
      : o["services"] === true
        ? "services"
        : o["volumes"] === true
          ? "volumes"
          : o["profiles"] === true
            ? "profiles"
            : typeof o["hash"] === "string"
              ? { hash: o["hash"].split(",").map((s) => s.trim()).filter((s) => s !== "") }
              : "model";
  return { services: inv.args, format, view, ...(typeof o["output"] === "string" ? { output: o["output"] } : {}) };
}

/** The text `tstack config` prints for a project. Pure. */
export function renderConfig(project: Project, allProfiles: readonly string[], opts: ConfigOptions): string {
  const v = opts.view;
  if (v === "quiet") return "";
  if (v === "services") return lines(Object.keys(project.services));
  if (v === "volumes") return lines(Object.keys(project.volumes));
  if (v === "profiles") return lines(allProfiles);
  if (v !== "model") {
    const names = v.hash.includes("*") ? Object.keys(project.services) : v.hash;
    return lines(
      names.map((n) => {
        const svc = project.services[n];
        if (svc === undefined) throw invalidArgument(`no such service: ${n}`);
        return `${n} ${configHash(svc)}`;
      }),
    );
  }
  const model = pruneEmpty(modelForPrinting(project)) ?? {};
  return opts.format === "json" ? `${JSON.stringify(model, null, 2)}\n` : stringify(model, { lineWidth: 0, aliasDuplicateObjects: false });
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const opts = configOptionsOf(inv);
  // The profiles of every service, enabled or not, are in the merged tree only: a full load.
  const loaded = await ctx.fullProject(opts.services);
  const profiles = new Set<string>();
  for (const raw of Object.values((loaded.tree.tree["services"] ?? {}) as Record<string, { profiles?: unknown }>)) {
    if (Array.isArray(raw?.profiles)) for (const p of raw.profiles) profiles.add(String(p));
  }
  const text = renderConfig(loaded.project, [...profiles].sort(), opts);
  if (opts.output !== undefined) await writeFile(opts.output, text);
  else if (text !== "") ctx.io.stdout.write(text);
}

// The fields a compose file has; tstack's bookkeeping (disabled services) stays out.
function modelForPrinting(p: Project): Record<string, unknown> {
  const { disabled_services: _d, working_dir: _w, config_files: _c, extensions, ...rest } = p;
  return { ...rest, ...extensions };
}

/** Drops empty objects and arrays (compose's omitempty), keeping false, 0 and "". */
export function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(pruneEmpty).filter((x) => x !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = pruneEmpty(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

const lines = (xs: readonly string[]) => (xs.length === 0 ? "" : `${xs.join("\n")}\n`);
