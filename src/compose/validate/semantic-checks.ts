import { isAbsolute, resolve } from "node:path";
import { parsePortLong, parsePortShort } from "../model/ports.ts";
import { toBool, toInt } from "../model/scalars.ts";
import { parseVolumeShort, tmpfsTarget } from "../model/service-volumes.ts";
import { errorAt } from "./compose-validation-error.ts";
import type { LoadedTreeLike, TreePath } from "./input.ts";
import { isObj, listAt, namesOf, objAt, serviceRef, type Obj } from "./tree-access.ts";

export interface SemanticOptions {
  /** Services the caller will act on; checks that need the host (env files) are limited to them. */
  readonly services?: readonly string[];
  /** Injected so the checks stay pure; absent = env_file existence is not checked. */
  readonly fileExists?: (absPath: string) => boolean;
  /**
   * The caller runs watch, so every watch rule must be runnable: a rebuild rule needs a build
   * section. Off for other commands: compose-go loads such a file (compose-spec's own
   * develop/03.yaml is one), and only watch can fail on it.
   */
  readonly forWatch?: boolean;
}

interface Ctx {
  readonly input: LoadedTreeLike;
  readonly services: Obj;
  readonly fail: (path: TreePath, msg: string) => never;
  readonly forWatch: boolean;
}

/** Consistency rules the schema cannot express. Throws ComposeValidationError on the first violation. */
export function checkSemantics(input: LoadedTreeLike, opts: SemanticOptions = {}): void {
  const ctx: Ctx = {
    input,
    services: objAt(input.tree.services),
    fail: (path, msg) => {
      throw errorAt(input, path, msg);
    },
    forWatch: opts.forWatch === true,
  };
  if (input.projectName.trim() === "") ctx.fail(["name"], "project name must not be empty");
  checkTopLevel(ctx);
  for (const [name, svc] of Object.entries(ctx.services)) checkService(ctx, name, objAt(svc));
  checkCycles(ctx);
  checkEnvFiles(ctx, opts);
}

function checkTopLevel(ctx: Ctx): void {
  const tree = ctx.input.tree;
  for (const kind of ["networks", "volumes", "secrets", "configs"] as const) {
    for (const [key, raw] of Object.entries(objAt(tree[kind]))) {
      const def = objAt(raw);
      const path = [kind, key];
      const ext = def.external;
      const external = isObj(ext) ? true : toBool(ext) === true;
      if (isObj(ext) && typeof ext.name === "string" && typeof def.name === "string" && ext.name !== def.name) {
        ctx.fail(path, "name and external.name conflict; only use name");
      }
      if (external && (kind === "volumes" || kind === "networks")) {
        for (const field of ["driver", "driver_opts", "labels", "ipam"]) {
          if (def[field] !== undefined) ctx.fail([...path, field], `conflicting parameters "external" and "${field}" specified`);
        }
      }
      if (!external && kind === "secrets" && def.file === undefined && def.environment === undefined) {
        ctx.fail(path, `secret "${key}" must declare either \`file\` or \`environment\``);
      }
      if (!external && kind === "configs" && def.file === undefined && def.environment === undefined && def.content === undefined) {
        ctx.fail(path, `config "${key}" must declare either \`file\`, \`environment\` or \`content\``);
      }
    }
  }
}

function checkService(ctx: Ctx, name: string, svc: Obj): void {
  const base: TreePath = ["services", name];
  const tree = ctx.input.tree;
  const known = (s: string) => Object.hasOwn(ctx.services, s);
  const refService = (path: TreePath, target: string, what: string) => {
    if (!known(target)) ctx.fail(path, `service "${name}" ${what} undefined service "${target}"`);
  };

  if (svc.image === undefined && svc.build === undefined && svc.provider === undefined && svc.extends === undefined) {
    ctx.fail(base, `service "${name}" has neither an image nor a build context specified`);
  }

  // References to other services.
  const deps = svc.depends_on;
  for (const { name: dep, seg } of namesOf(deps)) {
    const required = isObj(deps) ? toBool(objAt(objAt(deps)[dep]).required) !== false : true;
    if (required) refService([...base, "depends_on", seg], dep, "depends on");
  }
  listAt(svc.links).forEach((l, i) => {
    if (typeof l === "string") refService([...base, "links", i], l.split(":")[0] ?? l, "links to");
  });
  listAt(svc.volumes_from).forEach((v, i) => {
    if (typeof v === "string" && !v.startsWith("container:")) refService([...base, "volumes_from", i], v.split(":")[0] ?? v, "depends on");
  });
  for (const field of ["network_mode", "ipc", "pid"] as const) {
    const target = serviceRef(svc[field]);
    if (target !== undefined && !known(target)) {
      ctx.fail([...base, field], `service "${target}" not found for ${field} 'service:${target}' (service "${name}" depends on undefined service "${target}")`);
    }
  }
  const ext = svc.extends;
  const extService = typeof ext === "string" ? ext : isObj(ext) && ext.file === undefined && typeof ext.service === "string" ? ext.service : undefined;
  if (extService !== undefined) refService([...base, "extends"], extService, "extends");

  // Networks.
  if (svc.network_mode !== undefined && svc.networks !== undefined) {
    ctx.fail([...base, "networks"], `service ${name} declares mutually exclusive \`network_mode\` and \`networks\``);
  }
  for (const { name: net, seg } of namesOf(svc.networks)) {
    if (net !== "default" && !Object.hasOwn(objAt(tree.networks), net)) {
      ctx.fail([...base, "networks", seg], `service "${name}" refers to undefined network ${net}`);
    }
  }

  // Secrets, configs and models.
  for (const kind of ["secrets", "configs"] as const) {
    listAt(svc[kind]).forEach((ref, i) => {
      const source = typeof ref === "string" ? ref : objAt(ref).source;
      if (typeof source !== "string" || source === "") ctx.fail([...base, kind, i], `${kind.slice(0, -1)} reference must name a source`);
      if (!Object.hasOwn(objAt(tree[kind]), source)) {
        ctx.fail([...base, kind, i], `service "${name}" refers to undefined ${kind.slice(0, -1)} ${source}`);
      }
    });
  }
  for (const { name: model, seg } of namesOf(svc.models)) {
    if (!Object.hasOwn(objAt(tree.models), model)) ctx.fail([...base, "models", seg], `service "${name}" refers to undefined model ${model}`);
  }

  checkPorts(ctx, base, svc);
  checkMounts(ctx, name, base, svc);
  checkCounts(ctx, base, svc);
  checkDevices(ctx, base, svc);
  listAt(objAt(svc.develop).watch).forEach((w, i) => {
    const rule = objAt(w);
    if (rule.action !== "rebuild" && rule.action !== "restart" && (typeof rule.target !== "string" || rule.target === "")) {
      ctx.fail([...base, "develop", "watch", i], `target is required for non-rebuild actions (action ${String(rule.action)})`);
    }
    // docker compose finds this only once watch runs; tstack says so when watch loads the file.
    if (ctx.forWatch && rule.action === "rebuild" && (svc.build === undefined || svc.build === null)) {
      ctx.fail([...base, "develop", "watch", i, "action"], `service "${name}" has no build section: a rebuild rule cannot rebuild it`);
    }
  });
}

function checkPorts(ctx: Ctx, base: TreePath, svc: Obj): void {
  listAt(svc.ports).forEach((p, i) => {
    const r = isObj(p) ? parsePortLong(p) : typeof p === "string" || typeof p === "number" ? parsePortShort(p) : undefined;
    if (r && !r.ok) ctx.fail([...base, "ports", i], r.error);
  });
  listAt(svc.expose).forEach((p, i) => {
    if (!/^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/.test(String(p))) ctx.fail([...base, "expose", i], `invalid port ${JSON.stringify(p)}`);
  });
}

function checkMounts(ctx: Ctx, name: string, base: TreePath, svc: Obj): void {
  const seen = new Map<string, string>();
  const claim = (target: string, path: TreePath) => {
    const label = path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("").slice(1);
    const prev = seen.get(target);
    if (prev !== undefined) ctx.fail(path, `target ${target} already mounted as ${prev}`);
    seen.set(target, label);
  };
  const tmpfs = svc.tmpfs;
  (typeof tmpfs === "string" ? [tmpfs] : listAt(tmpfs)).forEach((t, i) => {
    if (typeof t !== "string") return;
    const path: TreePath = typeof tmpfs === "string" ? [...base, "tmpfs"] : [...base, "tmpfs", i];
    const target = tmpfsTarget(t);
    if (!target.startsWith("/")) ctx.fail(path, `invalid tmpfs target ${JSON.stringify(target)}: must be an absolute path`);
    const size = /(?:^|,)size=([^,]*)/.exec(t.slice(target.length + 1))?.[1];
    if (size !== undefined && !/^[0-9]+[kmgKMG]?$/.test(size)) ctx.fail(path, `invalid tmpfs size ${JSON.stringify(size)}: must be a non-negative integer with an optional k, m or g suffix`);
    claim(target.replace(/\/+$/, "") || "/", path);
  });
  listAt(svc.volumes).forEach((v, i) => {
    const path: TreePath = [...base, "volumes", i];
    let type: unknown;
    let source: unknown;
    let target: unknown;
    if (typeof v === "string") {
      const r = parseVolumeShort(v);
      if (!r.ok) ctx.fail(path, r.error);
      ({ type, source, target } = r.value);
    } else {
      const o = objAt(v);
      ({ type, source, target } = o);
      if (typeof target !== "string" || target === "") ctx.fail(path, `invalid mount config for type "${String(type)}": field Target must not be empty`);
      if ((type === "bind" || type === "npipe" || type === "image") && (typeof source !== "string" || source === "")) {
        ctx.fail(path, `invalid mount config for type "${String(type)}": field Source must not be empty`);
      }
      if (type === "tmpfs" && source !== undefined && source !== "") ctx.fail([...path, "source"], `invalid mount config for type "tmpfs": field Source must be empty`);
      const size = objAt(o.tmpfs).size;
      if (typeof size === "string" && !/^\s*[0-9]+(\.[0-9]+)?\s*[kmgtpKMGTP]?[iI]?[bB]?\s*$/.test(size)) {
        ctx.fail([...path, "tmpfs", "size"], `must be a non-negative size, not ${JSON.stringify(size)}`);
      }
      for (const opt of ["bind", "volume", "tmpfs", "image"] as const) {
        if (o[opt] !== undefined && type !== opt) ctx.fail([...path, opt], `${opt} options are not allowed for a mount of type "${String(type)}"`);
      }
    }
    if (type === "volume" && typeof source === "string" && source !== "" && !Object.hasOwn(objAt(ctx.input.tree.volumes), source)) {
      ctx.fail(path, `service "${name}" refers to undefined volume ${source}`);
    }
    if (typeof target === "string") claim(target.replace(/\/+$/, "") || "/", path);
  });
}

function checkCounts(ctx: Ctx, base: TreePath, svc: Obj): void {
  const scale = svc.scale === undefined ? undefined : toInt(svc.scale);
  if (svc.scale !== undefined && (scale === undefined || scale < 0)) ctx.fail([...base, "scale"], "must be greater than or equal to 0");
  const deploy = objAt(svc.deploy);
  const replicas = deploy.replicas === undefined ? undefined : toInt(deploy.replicas);
  if (deploy.replicas !== undefined && (replicas === undefined || replicas < 0)) {
    ctx.fail([...base, "deploy", "replicas"], "must be greater than or equal to 0");
  }
  if (scale !== undefined && replicas !== undefined && scale !== replicas) {
    ctx.fail([...base, "scale"], `can't set distinct values on 'scale' (${scale}) and 'deploy.replicas' (${replicas})`);
  }
}

function checkDevices(ctx: Ctx, base: TreePath, svc: Obj): void {
  const check = (list: unknown, path: TreePath) =>
    listAt(list).forEach((d, i) => {
      const dev = objAt(d);
      const count = dev.count;
      if (count !== undefined && count !== "all" && (toInt(count) === undefined || (toInt(count) ?? 0) < -1)) {
        ctx.fail([...path, i, "count"], `invalid value ${JSON.stringify(count)}, the only value allowed is 'all' or a number`);
      }
      if (count !== undefined && dev.device_ids !== undefined) {
        ctx.fail([...path, i], `"count" and "device_ids" attributes are exclusive`);
      }
    });
  check(objAt(objAt(objAt(svc.deploy).resources).reservations).devices, [...base, "deploy", "resources", "reservations", "devices"]);
  if (Array.isArray(svc.gpus)) check(svc.gpus, [...base, "gpus"]);
}

// depends_on, links, volumes_from and service: namespaces all order container creation,
// so a cycle through any of them can never start.
function checkCycles(ctx: Ctx): void {
  const edges = new Map<string, { to: string; path: TreePath }[]>();
  for (const [name, raw] of Object.entries(ctx.services)) {
    const svc = objAt(raw);
    const base: TreePath = ["services", name];
    const out: { to: string; path: TreePath }[] = [];
    for (const { name: dep, seg } of namesOf(svc.depends_on)) out.push({ to: dep, path: [...base, "depends_on", seg] });
    listAt(svc.links).forEach((l, i) => typeof l === "string" && out.push({ to: l.split(":")[0] ?? l, path: [...base, "links", i] }));
    listAt(svc.volumes_from).forEach(
      (v, i) => typeof v === "string" && !v.startsWith("container:") && out.push({ to: v.split(":")[0] ?? v, path: [...base, "volumes_from", i] }),
    );
    for (const f of ["network_mode", "ipc", "pid"] as const) {
      const t = serviceRef(svc[f]);
      if (t !== undefined) out.push({ to: t, path: [...base, f] });
    }
    edges.set(name, out.filter((e) => Object.hasOwn(ctx.services, e.to)));
  }
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, "visiting");
    stack.push(n);
    for (const e of edges.get(n) ?? []) {
      const s = state.get(e.to);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        ctx.fail(e.path, e.to === n ? `service "${n}" depends on itself` : `dependency cycle detected: ${cycle.join(" -> ")}`);
      }
      if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of [...edges.keys()].sort()) if (!state.has(n)) visit(n);
}

function checkEnvFiles(ctx: Ctx, opts: SemanticOptions): void {
  const exists = opts.fileExists;
  if (!exists) return;
  const selected = opts.services && opts.services.length > 0 ? withDependencies(ctx, opts.services) : undefined;
  for (const [name, raw] of Object.entries(ctx.services)) {
    if (selected && !selected.has(name)) continue;
    const envFile = objAt(raw).env_file;
    const entries = typeof envFile === "string" ? [envFile] : listAt(envFile);
    entries.forEach((e, i) => {
      const path = typeof e === "string" ? e : objAt(e).path;
      const required = typeof e === "string" ? true : toBool(objAt(e).required) !== false;
      if (typeof path !== "string" || !required) return;
      const abs = isAbsolute(path) ? path : resolve(ctx.input.projectDirectory, path);
      if (!exists(abs)) {
        const p: TreePath = typeof envFile === "string" ? ["services", name, "env_file"] : ["services", name, "env_file", i];
        ctx.fail(p, `env file ${abs} not found (referenced as ${path})`);
      }
    });
  }
}

// Selected services plus everything they (transitively) depend on: those get started too.
function withDependencies(ctx: Ctx, names: readonly string[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: string): void => {
    if (out.has(n) || !Object.hasOwn(ctx.services, n)) return;
    out.add(n);
    for (const { name } of namesOf(objAt(ctx.services[n]).depends_on)) visit(name);
  };
  names.forEach(visit);
  return out;
}
