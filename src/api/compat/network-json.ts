import type { NetworkInspect, NetworkRecord } from "../../network/index.ts";

// Network records → Docker's network JSON; `host` and `none` exist as in Docker, with no record.

export function networkJson(n: NetworkRecord, containers?: NetworkInspect["containers"], names?: (id: string) => string) {
  const prefix = n.subnet.split("/")[1] ?? "";
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: "local",
    Driver: n.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: null, Config: [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }] },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: Object.fromEntries(
      (containers ?? []).map((c) => [
        c.containerId,
        { Name: names?.(c.containerId) ?? c.names[0] ?? "", EndpointID: `${n.id.slice(0, 32)}${c.containerId.slice(0, 32)}`, MacAddress: c.mac ?? "", IPv4Address: c.ip ? `${c.ip}/${prefix}` : "", IPv6Address: "" },
      ]),
    ),
    Options: n.options,
    Labels: n.labels,
  };
}

export const PREDEFINED_NETWORKS = ["host", "none"] as const;

export function predefinedNetworkJson(name: "host" | "none") {
  return {
    Name: name,
    Id: name === "host" ? "0".repeat(63) + "1" : "0".repeat(63) + "2",
    Created: "0001-01-01T00:00:00Z",
    Scope: "local",
    Driver: name === "host" ? "host" : "null",
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: null, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: {},
  };
}
