import { open } from "node:fs/promises";
import { isIP } from "node:net";
import { invalidArgument } from "../common/errors.ts";

export interface HostsEntry {
  readonly ip: string;
  readonly names: readonly string[];
}

/**
 * A container's /etc/hosts: the loopback and IPv6 well-known lines, then `entries` (its own
 * addresses with its hostname, extra_hosts, and — in the managed-hosts-file mode measured in the
 * README — its peers). With the engine's DNS (tstack's choice) peers are not listed and the file
 * never changes while the container runs. Pure.
 */
export function renderHostsFile(entries: readonly HostsEntry[]): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
  ];
  for (const e of entries) {
    if (isIP(e.ip) === 0) throw invalidArgument(`invalid address ${JSON.stringify(e.ip)} in hosts entry`);
    const names = e.names.filter((n) => n !== "");
    if (names.some((n) => /\s/.test(n))) throw invalidArgument(`invalid host name in ${JSON.stringify(names)}`);
    if (names.length > 0) lines.push(`${e.ip}\t${names.join(" ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Rewrites a file keeping its inode: a file bind-mounted into a container (its /etc/hosts) is
 * pinned by inode, so write-temp-then-rename would leave the container looking at the old file.
 * Not atomic for readers: they may see a short file for a moment, as with Docker's in-place writes.
 */
export async function rewriteInPlace(path: string, content: string): Promise<void> {
  const fh = await open(path, "r+");
  try {
    const data = Buffer.from(content);
    await fh.write(data, 0, data.length, 0);
    await fh.truncate(data.length);
  } finally {
    await fh.close();
  }
}
