import { isAbsolute, join } from "node:path";
import { isPlainObject } from "./positions.ts";
import { isHostPathSource } from "./volume-target.ts";

// Relative paths in an included or extended file mean "relative to that file's project
// directory", but after merging nobody could tell where a subtree came from. So, like compose-go,
// we make those specific fields absolute as soon as such a file is loaded. Paths of the main
// files stay relative: normalisation resolves them against the project directory.
// `~` is left alone (normalisation expands it with the injected environment's HOME).

const REMOTE_CONTEXT = ["https://", "http://", "git://", "ssh://", "github.com/", "git@"];

function abs(baseDir: string, p: string): string {
  if (p === "" || isAbsolute(p) || p.startsWith("~")) return p;
  return join(baseDir, p);
}

function absContext(baseDir: string, p: string): string {
  if (p.includes("://") || p.startsWith("service:") || REMOTE_CONTEXT.some((r) => p.startsWith(r))) return p;
  return abs(baseDir, p);
}

// Mutates `tree` in place (positions of the replaced strings stay valid).
export function resolveRelativePaths(tree: Record<string, unknown>, baseDir: string): void {
  const services = tree["services"];
  if (isPlainObject(services)) {
    for (const svc of Object.values(services)) if (isPlainObject(svc)) resolveService(svc, baseDir);
  }
  for (const kind of ["configs", "secrets"]) {
    const section = tree[kind];
    if (!isPlainObject(section)) continue;
    for (const def of Object.values(section)) {
      if (isPlainObject(def) && typeof def["file"] === "string") def["file"] = abs(baseDir, def["file"]);
    }
  }
  const volumes = tree["volumes"];
  if (isPlainObject(volumes)) {
    for (const vol of Object.values(volumes)) {
      if (!isPlainObject(vol) || (vol["driver"] !== undefined && vol["driver"] !== "local")) continue;
      const opts = vol["driver_opts"];
      if (isPlainObject(opts) && opts["o"] === "bind" && typeof opts["device"] === "string") {
        opts["device"] = abs(baseDir, opts["device"]);
      }
    }
  }
}

function resolveService(svc: Record<string, unknown>, baseDir: string): void {
  const build = svc["build"];
  if (typeof build === "string") svc["build"] = absContext(baseDir, build);
  else if (isPlainObject(build)) {
    if (typeof build["context"] === "string") build["context"] = absContext(baseDir, build["context"]);
    const extra = build["additional_contexts"];
    if (isPlainObject(extra)) {
      for (const [k, v] of Object.entries(extra)) if (typeof v === "string") extra[k] = absContext(baseDir, v);
    } else if (Array.isArray(extra)) {
      extra.forEach((e, i) => {
        if (typeof e !== "string" || !e.includes("=")) return;
        const eq = e.indexOf("=");
        extra[i] = `${e.slice(0, eq)}=${absContext(baseDir, e.slice(eq + 1))}`;
      });
    }
  }
  for (const field of ["env_file", "label_file"]) {
    const v = svc[field];
    if (typeof v === "string") svc[field] = abs(baseDir, v);
    else if (Array.isArray(v)) {
      v.forEach((e, i) => {
        if (typeof e === "string") v[i] = abs(baseDir, e);
        else if (isPlainObject(e) && typeof e["path"] === "string") e["path"] = abs(baseDir, e["path"]);
      });
    }
  }
  const extendsValue = svc["extends"];
  if (isPlainObject(extendsValue) && typeof extendsValue["file"] === "string") {
    extendsValue["file"] = abs(baseDir, extendsValue["file"]);
  }
  const develop = svc["develop"];
  if (isPlainObject(develop) && Array.isArray(develop["watch"])) {
    for (const w of develop["watch"]) if (isPlainObject(w) && typeof w["path"] === "string") w["path"] = abs(baseDir, w["path"]);
  }
  const volumes = svc["volumes"];
  if (Array.isArray(volumes)) {
    volumes.forEach((v, i) => {
      if (typeof v === "string") {
        const colon = v.indexOf(":");
        if (colon <= 0) return;
        const source = v.slice(0, colon);
        if (isHostPathSource(source)) volumes[i] = abs(baseDir, source) + v.slice(colon);
      } else if (isPlainObject(v) && v["type"] === "bind" && typeof v["source"] === "string") {
        v["source"] = abs(baseDir, v["source"]);
      }
    });
  }
}
