// The shapes a CNI plugin prints: a result on success (spec 1.0.0 "Success"), an error object on
// failure. Parsed and checked here so nothing downstream trusts a plugin's stdout blindly.

export interface CniInterface {
  readonly name: string;
  readonly mac?: string;
  readonly sandbox?: string;
}

export interface CniIpConfig {
  /** CIDR notation, e.g. `172.18.0.2/16`. */
  readonly address: string;
  readonly gateway?: string;
  readonly interface?: number;
}

export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces?: readonly CniInterface[];
  readonly ips?: readonly CniIpConfig[];
  readonly routes?: readonly { readonly dst: string; readonly gw?: string }[];
  readonly dns?: Readonly<Record<string, unknown>>;
}

export interface CniError {
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses a plugin's success output; throws a plain Error describing what is wrong. */
export function parseCniResult(stdout: string): CniResult {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch (err) {
    throw new Error(`result is not JSON: ${stdout.slice(0, 200)}`, { cause: err });
  }
  if (!isObj(v) || typeof v["cniVersion"] !== "string") throw new Error("result has no cniVersion");
  const { interfaces, ips, routes } = v;
  if (interfaces !== undefined) {
    if (!Array.isArray(interfaces) || !interfaces.every((i) => isObj(i) && typeof i["name"] === "string")) {
      throw new Error("result.interfaces must be a list of {name, mac?, sandbox?}");
    }
  }
  if (ips !== undefined) {
    if (!Array.isArray(ips) || !ips.every((i) => isObj(i) && typeof i["address"] === "string" && i["address"].includes("/"))) {
      throw new Error("result.ips must be a list of {address: CIDR, gateway?, interface?}");
    }
    for (const ip of ips as CniIpConfig[]) {
      const n = ip.interface;
      if (n !== undefined && (!Array.isArray(interfaces) || n < 0 || n >= interfaces.length)) {
        throw new Error(`result.ips entry ${ip.address} points at interface ${n}, which does not exist`);
      }
    }
  }
  if (routes !== undefined && (!Array.isArray(routes) || !routes.every((r) => isObj(r) && typeof r["dst"] === "string"))) {
    throw new Error("result.routes must be a list of {dst, gw?}");
  }
  return v as unknown as CniResult;
}

/** The plugin's error object, when its stdout holds one (`{code, msg, details?}`). */
export function parseCniError(stdout: string): CniError | undefined {
  try {
    const v: unknown = JSON.parse(stdout);
    if (isObj(v) && typeof v["code"] === "number" && typeof v["msg"] === "string") {
      return { code: v["code"], msg: v["msg"], ...(typeof v["details"] === "string" ? { details: v["details"] } : {}) };
    }
  } catch {
    // not JSON: the caller falls back to stderr
  }
  return undefined;
}

/** The container-side address of a result: the first ip whose interface is in the sandbox. */
export function containerAddress(r: CniResult): { ip: string; prefixLen: number; gateway?: string; mac?: string; ifname?: string } | undefined {
  for (const ip of r.ips ?? []) {
    const iface = ip.interface !== undefined ? r.interfaces?.[ip.interface] : undefined;
    if (iface !== undefined && iface.sandbox === undefined) continue;
    const [addr, prefix] = ip.address.split("/");
    if (addr === undefined || !addr.includes(".")) continue;
    return {
      ip: addr,
      prefixLen: Number(prefix),
      ...(ip.gateway !== undefined ? { gateway: ip.gateway } : {}),
      ...(iface?.mac !== undefined ? { mac: iface.mac } : {}),
      ...(iface !== undefined ? { ifname: iface.name } : {}),
    };
  }
  return undefined;
}
