// tstack's container networking: CNI bridge networks, published ports, the engine's DNS. See README.md.
export { createNetworkManager } from "./network-manager.ts";
export type { NetworkManager, NetworkManagerDeps, AttachOptions, Attachment, NetworkInspect, ReclaimReport } from "./network-manager.ts";
export type { NetworkRecord, CreateNetworkOptions } from "./network-record.ts";
export { buildConflist, cniNetworkName, CNI_VERSION, type Conflist, type PluginConf } from "./conflist.ts";
export { createCniInvoker, CniAddFailed, type CniInvoker, type CniRuntime, type CniPortMapping } from "./cni-invoker.ts";
export { parsePortBindings, formatPort, type PortMapping, type ResolvedPortMapping, type DockerPortBindings, type PortProtocol } from "./ports.ts";
export { renderResolvConf, parseResolvConf, containerResolvConf, hostResolvConfPath, type ResolvConf } from "./resolv-conf.ts";
export { DEFAULT_ADDRESS_POOLS, allocateSubnet, type AddressPool } from "./subnet-pool.ts";
export type { Upstream } from "./dns-server.ts";
