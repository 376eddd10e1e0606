import { invalidArgument, unimplemented } from "../../common/errors.ts";
import type { MountRequest } from "../../runtime/containers/container-record.ts";
import { asObj, bool, num, obj, str, strMap, type Json } from "./field-readers.ts";
import { parseSize } from "./units.ts";
import { isZeroValue } from "./zero-value.ts";

// HostConfig.Binds, HostConfig.Mounts, HostConfig.Tmpfs and Config.Volumes → native mount requests.

type Propagation = "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave";
const PROPAGATIONS: readonly string[] = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];

/** `src:dst[:opts]`: an absolute src is a bind mount (created when missing, as Docker); else a named volume. */
export function parseBind(spec: string, field: string): MountRequest {
  const parts = spec.split(":");
  if (parts.length < 2 || parts.length > 3) throw invalidArgument(`${field}: invalid volume specification ${JSON.stringify(spec)}`);
  const [source, target, opts = ""] = parts as [string, string, string?];
  if (!target.startsWith("/")) throw invalidArgument(`${field}: invalid mount path ${JSON.stringify(target)}: it must be absolute`);
  if (source === "") throw invalidArgument(`${field}: empty source in ${JSON.stringify(spec)}`);
  let readonly = false;
  let noCopy = false;
  let propagation: Propagation | undefined;
  for (const o of opts.split(",").filter(Boolean)) {
    if (o === "ro") readonly = true;
    else if (o === "rw") readonly = false;
    else if (o === "nocopy") noCopy = true;
    else if (PROPAGATIONS.includes(o)) propagation = o as Propagation;
    // SELinux relabelling and macOS consistency hints have no meaning on this host.
    else if (o === "z" || o === "Z" || o === "consistent" || o === "cached" || o === "delegated") continue;
    else throw invalidArgument(`${field}: unknown mount option ${JSON.stringify(o)} in ${JSON.stringify(spec)}`);
  }
  if (source.startsWith("/")) {
    if (noCopy) throw invalidArgument(`${field}: nocopy applies to volumes, not to the bind mount ${JSON.stringify(spec)}`);
    return { type: "bind", source, target, readonly, createHostPath: true, ...(propagation ? { propagation } : {}) };
  }
  if (propagation) throw invalidArgument(`${field}: propagation applies to bind mounts, not to the volume ${JSON.stringify(source)}`);
  return { type: "volume", name: source, target, readonly, ...(noCopy ? { noCopy } : {}) };
}

function rejectRest(o: Json, known: readonly string[], field: string): void {
  for (const [k, v] of Object.entries(o)) {
    if (!known.includes(k) && !isZeroValue(v)) throw unimplemented(`${field}.${k} is not supported by tstack`);
  }
}

export function parseMount(raw: unknown, field: string): MountRequest {
  const m = asObj(raw, field);
  const type = str(m, "Type", `${field}.Type`) ?? "";
  const target = str(m, "Target", `${field}.Target`) ?? "";
  if (!target.startsWith("/")) throw invalidArgument(`${field}.Target: invalid mount path ${JSON.stringify(target)}: it must be absolute`);
  const source = str(m, "Source", `${field}.Source`) ?? "";
  const readonly = bool(m, "ReadOnly", `${field}.ReadOnly`) ?? false;
  switch (type) {
    case "bind": {
      rejectRest(m, ["Type", "Target", "Source", "ReadOnly", "Consistency", "BindOptions"], field);
      const b = obj(m, "BindOptions", `${field}.BindOptions`) ?? {};
      rejectRest(b, ["Propagation", "CreateMountpoint"], `${field}.BindOptions`);
      const prop = str(b, "Propagation", `${field}.BindOptions.Propagation`) ?? "";
      if (prop && !PROPAGATIONS.includes(prop)) throw invalidArgument(`${field}.BindOptions.Propagation: invalid value ${JSON.stringify(prop)}`);
      if (!source.startsWith("/")) throw invalidArgument(`${field}.Source: a bind mount needs an absolute host path, got ${JSON.stringify(source)}`);
      const create = bool(b, "CreateMountpoint", `${field}.BindOptions.CreateMountpoint`) ?? false;
      return { type: "bind", source, target, readonly, ...(create ? { createHostPath: true } : {}), ...(prop ? { propagation: prop as Propagation } : {}) };
    }
    case "volume": {
      rejectRest(m, ["Type", "Target", "Source", "ReadOnly", "Consistency", "VolumeOptions"], field);
      const v = obj(m, "VolumeOptions", `${field}.VolumeOptions`) ?? {};
      const driver = obj(v, "DriverConfig", `${field}.VolumeOptions.DriverConfig`);
      if (driver && !(isZeroValue(driver) || (driver["Name"] === "local" && isZeroValue(driver["Options"])))) {
        throw unimplemented(`${field}.VolumeOptions.DriverConfig is not supported by tstack (only the local driver without options)`);
      }
      rejectRest(v, ["NoCopy", "DriverConfig", "Labels"], `${field}.VolumeOptions`);
      const noCopy = bool(v, "NoCopy", `${field}.VolumeOptions.NoCopy`) ?? false;
      return { type: "volume", ...(source ? { name: source } : {}), target, readonly, ...(noCopy ? { noCopy } : {}) };
    }
    case "tmpfs": {
      rejectRest(m, ["Type", "Target", "Source", "ReadOnly", "Consistency", "TmpfsOptions"], field);
      if (source) throw invalidArgument(`${field}.Source must be empty for a tmpfs mount`);
      const t = obj(m, "TmpfsOptions", `${field}.TmpfsOptions`) ?? {};
      rejectRest(t, ["SizeBytes", "Mode"], `${field}.TmpfsOptions`);
      const size = num(t, "SizeBytes", `${field}.TmpfsOptions.SizeBytes`);
      const mode = num(t, "Mode", `${field}.TmpfsOptions.Mode`);
      return { type: "tmpfs", target, ...(size ? { size } : {}), ...(mode ? { mode } : {}), ...(readonly ? { options: ["ro"] } : {}) };
    }
    default:
      throw unimplemented(`${field}.Type ${JSON.stringify(type)} is not supported by tstack (bind, volume, tmpfs)`);
  }
}

/** HostConfig.Tmpfs: `{"/run": "rw,noexec,size=64m,mode=1777"}`. */
export function parseTmpfs(o: Json, field: string): MountRequest[] {
  const map = strMap(o, "Tmpfs", field) ?? {};
  return Object.entries(map).map(([target, optText]) => {
    if (!target.startsWith("/")) throw invalidArgument(`${field}: invalid mount path ${JSON.stringify(target)}: it must be absolute`);
    let size: number | undefined;
    let mode: number | undefined;
    const options: string[] = [];
    for (const opt of optText.split(",").filter(Boolean)) {
      const [k, v] = opt.split("=", 2) as [string, string?];
      if (k === "size" && v !== undefined) size = parseSize(v, `${field}[${target}] size`);
      else if (k === "mode" && v !== undefined) {
        if (!/^[0-7]{1,4}$/.test(v)) throw invalidArgument(`${field}[${target}]: invalid mode ${JSON.stringify(v)}`);
        mode = parseInt(v, 8);
      } else options.push(opt);
    }
    return { type: "tmpfs" as const, target, ...(size ? { size } : {}), ...(mode !== undefined ? { mode } : {}), ...(options.length ? { options } : {}) };
  });
}
