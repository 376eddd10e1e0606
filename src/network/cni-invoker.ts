import { existsSync } from "node:fs";
import { join } from "node:path";
import { TstackError, failedPrecondition, unavailable } from "../common/errors.ts";
import type { ProcessRunner } from "../common/spawn/process-runner.ts";
import type { Conflist, PluginConf } from "./conflist.ts";
import { parseCniError, parseCniResult, type CniResult } from "./cni-result.ts";

/** A published port in CNI's `portMappings` runtime-config shape. */
export interface CniPortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: "tcp" | "udp";
  readonly hostIP?: string;
}

/** What identifies one attachment to the plugins, plus the runtime config they may ask for. */
export interface CniRuntime {
  readonly containerId: string;
  readonly netnsPath: string;
  readonly ifname: string;
  readonly portMappings?: readonly CniPortMapping[];
  /** Static addresses in CIDR form (`172.18.0.9/16`), read by host-local. */
  readonly ips?: readonly string[];
}

/** An ADD whose rollback failed too: something may be left behind for `reclaim` to retry. */
export class CniAddFailed extends TstackError {
  readonly rollbackFailed: boolean;
  constructor(kind: TstackError["kind"], message: string, cause: unknown, rollbackFailed: boolean) {
    super(kind, message, { cause });
    this.rollbackFailed = rollbackFailed;
  }
}

export type CniCommand = "ADD" | "DEL" | "CHECK";

/**
 * Runs a conflist's plugins the way libcni does: ADD in order chaining prevResult, DEL in reverse,
 * CHECK in order with the cached result. An ADD that fails part-way is rolled back by a DEL of the
 * whole list (plugins treat DEL of what they never added as success). Stateless: the caller caches
 * the result (see attachment-store.ts) so DEL after an engine restart gets the same input.
 */
export interface CniInvoker {
  add(conf: Conflist, rt: CniRuntime, signal?: AbortSignal): Promise<CniResult>;
  /** Runs every plugin even if one fails, then throws the first failure: teardown must get as far as it can. */
  del(conf: Conflist, rt: CniRuntime, prevResult?: CniResult, signal?: AbortSignal): Promise<void>;
  check(conf: Conflist, rt: CniRuntime, prevResult: CniResult, signal?: AbortSignal): Promise<void>;
}

export interface CniInvokerDeps {
  readonly runner: ProcessRunner;
  /** Directories holding plugin binaries, searched in order (CNI_PATH). */
  readonly cniPath: readonly string[];
  /** Lookup for binaries; injected so tests need no files. Defaults to the first directory holding it. */
  readonly resolvePlugin?: (type: string) => string;
}

// The stdin of one plugin: its own conf plus the list's name and version, the runtime config its
// capabilities ask for, and the previous plugin's result.
export function pluginStdin(conf: Conflist, plugin: PluginConf, rt: CniRuntime, prevResult: CniResult | undefined): string {
  const runtimeConfig: Record<string, unknown> = {};
  const caps = plugin.capabilities ?? {};
  if (caps["portMappings"] && rt.portMappings && rt.portMappings.length > 0) runtimeConfig["portMappings"] = rt.portMappings;
  if (caps["ips"] && rt.ips && rt.ips.length > 0) runtimeConfig["ips"] = rt.ips;
  const { capabilities: _caps, ...rest } = plugin;
  return JSON.stringify({
    ...rest,
    name: conf.name,
    cniVersion: conf.cniVersion,
    ...(Object.keys(runtimeConfig).length > 0 ? { runtimeConfig } : {}),
    ...(prevResult !== undefined ? { prevResult } : {}),
  });
}

export function pluginEnv(command: CniCommand, rt: CniRuntime, cniPath: readonly string[]): Record<string, string> {
  return {
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netnsPath,
    CNI_IFNAME: rt.ifname,
    CNI_PATH: cniPath.join(":"),
    CNI_ARGS: "IgnoreUnknown=1",
    // portmap (and bridge with ipMasq) run iptables.
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  };
}

export function createCniInvoker(deps: CniInvokerDeps): CniInvoker {
  const resolve =
    deps.resolvePlugin ??
    ((type: string) => deps.cniPath.map((d) => join(d, type)).find((f) => existsSync(f)) ?? join(deps.cniPath[0] ?? "/usr/lib/cni", type));

  async function exec(command: CniCommand, conf: Conflist, plugin: PluginConf, rt: CniRuntime, prev: CniResult | undefined, signal?: AbortSignal): Promise<string> {
    if (!/^[a-zA-Z0-9_-]+$/.test(plugin.type)) throw failedPrecondition(`invalid CNI plugin type ${JSON.stringify(plugin.type)}`);
    const file = resolve(plugin.type);
    let r;
    try {
      // A plugin reports its error as JSON on stdout with a non-zero exit: any exit is read here.
      r = await deps.runner.run(file, [], {
        input: pluginStdin(conf, plugin, rt, prev),
        env: pluginEnv(command, rt, deps.cniPath),
        allowFailure: true,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw unavailable(`CNI plugin ${plugin.type} could not be started (${file}): is containernetworking-plugins installed?`, err);
    }
    if (r.exitCode !== 0) {
      const e = parseCniError(r.stdout);
      const msg = e ? `${e.msg}${e.details ? ` (${e.details})` : ""}` : (r.stderr || r.stdout).trim() || `exit code ${r.exitCode}`;
      throw new TstackError("FailedPrecondition", `CNI plugin ${plugin.type} ${command} failed for network ${conf.name}: ${msg}`, {
        cause: e ?? r,
      });
    }
    return r.stdout;
  }

  async function del(conf: Conflist, rt: CniRuntime, prevResult?: CniResult, signal?: AbortSignal): Promise<void> {
    let first: unknown;
    for (const plugin of [...conf.plugins].reverse()) {
      try {
        await exec("DEL", conf, plugin, rt, prevResult, signal);
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  return {
    async add(conf, rt, signal) {
      let prev: CniResult | undefined;
      try {
        for (const plugin of conf.plugins) {
          const out = await exec("ADD", conf, plugin, rt, prev, signal);
          try {
            prev = parseCniResult(out);
          } catch (err) {
            throw failedPrecondition(`CNI plugin ${plugin.type} ADD for network ${conf.name} printed an invalid result: ${(err as Error).message}`, err);
          }
        }
      } catch (err) {
        // Roll back everything: a DEL of a plugin that added nothing is a no-op by the spec.
        const rollback = await del(conf, rt, prev).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (rollback === undefined) throw err;
        const kind = err instanceof TstackError ? err.kind : "Internal";
        throw new CniAddFailed(kind, `${(err as Error).message}; rolling back also failed: ${(rollback as Error).message}`, err, true);
      }
      if (prev === undefined) throw failedPrecondition(`conflist ${conf.name} has no plugins`);
      return prev;
    },
    del,
    async check(conf, rt, prevResult, signal) {
      for (const plugin of conf.plugins) await exec("CHECK", conf, plugin, rt, prevResult, signal);
    },
  };
}
