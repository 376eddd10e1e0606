import { isIP } from "node:net";
import { invalidArgument } from "../../common/errors.ts";
import type { ExtraHost } from "./create-options.ts";

export interface HostsFileInput {
  readonly hostname: string;
  readonly domainname?: string;
  /** The container's own addresses, once its network is set up. */
  readonly addresses: readonly string[];
  readonly extraHosts?: readonly ExtraHost[];
}

// The /etc/hosts Docker writes: loopback and IPv6 well-known names, the user's extra
// hosts, then the container's own addresses with its name. Service names are not here:
// they are resolved by the engine's DNS, so the file stays fixed for the container's life.
export function renderHostsFile(input: HostsFileInput): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
  ];
  for (const { host, ip } of input.extraHosts ?? []) {
    if (isIP(ip) === 0) throw invalidArgument(`invalid IP address ${JSON.stringify(ip)} for extra host ${host}`);
    if (host === "" || /\s/.test(host)) throw invalidArgument(`invalid extra host name ${JSON.stringify(host)}`);
    lines.push(`${ip}\t${host}`);
  }
  const names = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
  for (const ip of input.addresses) {
    if (isIP(ip) === 0) throw invalidArgument(`invalid container address ${JSON.stringify(ip)}`);
    lines.push(`${ip}\t${names}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderHostnameFile(hostname: string): string {
  return `${hostname}\n`;
}
