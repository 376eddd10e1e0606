import type { LoadedTreeLike } from "../validate/input.ts";
import { defined, extensionsOf, isObj, listAt, objAt, optString, stringDictOf, stringListOf } from "./field-readers.ts";
import { createContext, type NormalizeContext } from "./normalize-context.ts";
import { normalizeService } from "./normalize-service.ts";
import { activeServices, type ProfileSelection } from "./profiles.ts";
import { toBool, toInt } from "./scalars.ts";
import type { FileObjectConfig, ModelConfig, NetworkConfig, Project, ServiceConfig, VolumeConfig } from "./types.ts";

export interface NormalizeOptions extends ProfileSelection {}

/**
 * Turns a validated tree into the typed Project: short syntaxes expanded, defaults written,
 * paths absolute, profiles applied. Pure; expects `validateTree` to have passed (it still fails
 * with a positioned error on a short syntax it cannot parse).
 */
export function normalize(input: LoadedTreeLike, opts: NormalizeOptions = {}): Project {
  const ctx = createContext(input);
  const tree = input.tree;
  const all: Record<string, ServiceConfig> = {};
  for (const [name, raw] of Object.entries(objAt(tree.services))) all[name] = normalizeService(ctx, name, objAt(raw));
  const active = activeServices(all, opts);
  const services = Object.fromEntries(Object.entries(all).filter(([n]) => active.has(n)));

  const networks: Record<string, NetworkConfig> = {};
  for (const [key, raw] of Object.entries(objAt(tree.networks))) networks[key] = networkOf(ctx, key, objAt(raw));
  // Compose creates `<project>_default` for services that name no network.
  if (!networks.default && Object.values(services).some((s) => Object.hasOwn(s.networks, "default"))) {
    networks.default = networkOf(ctx, "default", {});
  }

  return {
    name: input.projectName,
    working_dir: input.projectDirectory,
    config_files: [...input.configFiles],
    services,
    disabled_services: Object.keys(all).filter((n) => !active.has(n)),
    networks,
    volumes: mapEntries(tree.volumes, (k, raw) => volumeOf(ctx, k, raw)),
    secrets: mapEntries(tree.secrets, (k, raw) => fileObjectOf(ctx, k, raw)),
    configs: mapEntries(tree.configs, (k, raw) => fileObjectOf(ctx, k, raw)),
    models: mapEntries(tree.models, (_k, raw) => modelOf(raw)),
    extensions: extensionsOf(tree),
  };
}

function mapEntries<T>(v: unknown, f: (key: string, raw: Readonly<Record<string, unknown>>) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(objAt(v)).map(([k, raw]) => [k, f(k, objAt(raw))]));
}

// `external` may be a bool, a bool string, or the legacy { name } object; returns the external name if any.
function externalOf(raw: Readonly<Record<string, unknown>>): { external: boolean; name?: string } {
  const ext = raw.external;
  if (isObj(ext)) return { external: true, ...(typeof ext.name === "string" ? { name: ext.name } : {}) };
  return { external: toBool(ext) === true };
}

// Project-owned objects are prefixed with the project name; external ones use their own name.
function resourceName(ctx: NormalizeContext, key: string, raw: Readonly<Record<string, unknown>>): { name: string; external: boolean } {
  const ext = externalOf(raw);
  const explicit = optString(raw.name) ?? ext.name;
  if (explicit !== undefined) return { name: explicit, external: ext.external };
  return { name: ext.external ? key : `${ctx.projectName}_${key}`, external: ext.external };
}

function networkOf(ctx: NormalizeContext, key: string, raw: Readonly<Record<string, unknown>>): NetworkConfig {
  const ipam = isObj(raw.ipam) ? raw.ipam : undefined;
  return defined({
    ...resourceName(ctx, key, raw),
    driver: optString(raw.driver),
    driver_opts: stringDictOf(raw.driver_opts),
    ipam: ipam
      ? defined({
          driver: optString(ipam.driver),
          config: listAt(ipam.config).map((c) => {
            const o = objAt(c);
            return defined({
              subnet: optString(o.subnet),
              ip_range: optString(o.ip_range),
              gateway: optString(o.gateway),
              aux_addresses: o.aux_addresses === undefined ? undefined : stringDictOf(o.aux_addresses),
            });
          }),
          options: stringDictOf(ipam.options),
        })
      : undefined,
    internal: toBool(raw.internal) ?? false,
    attachable: toBool(raw.attachable) ?? false,
    enable_ipv4: toBool(raw.enable_ipv4),
    enable_ipv6: toBool(raw.enable_ipv6),
    labels: stringDictOf(raw.labels),
    extensions: extensionsOf(raw),
  });
}

function volumeOf(ctx: NormalizeContext, key: string, raw: Readonly<Record<string, unknown>>): VolumeConfig {
  return defined({
    ...resourceName(ctx, key, raw),
    driver: optString(raw.driver),
    driver_opts: stringDictOf(raw.driver_opts),
    labels: stringDictOf(raw.labels),
    extensions: extensionsOf(raw),
  });
}

function fileObjectOf(ctx: NormalizeContext, key: string, raw: Readonly<Record<string, unknown>>): FileObjectConfig {
  const file = optString(raw.file);
  return defined({
    ...resourceName(ctx, key, raw),
    file: file === undefined ? undefined : ctx.resolvePath(file),
    environment: optString(raw.environment),
    content: optString(raw.content),
    labels: stringDictOf(raw.labels),
    driver: optString(raw.driver),
    driver_opts: raw.driver_opts === undefined ? undefined : stringDictOf(raw.driver_opts),
    template_driver: optString(raw.template_driver),
    extensions: extensionsOf(raw),
  });
}

function modelOf(raw: Readonly<Record<string, unknown>>): ModelConfig {
  return defined({
    name: optString(raw.name),
    model: String(raw.model),
    context_size: toInt(raw.context_size),
    runtime_flags: stringListOf(raw.runtime_flags),
  });
}
