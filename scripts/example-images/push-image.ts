import type { RunCommand } from "./debian-packages.ts";
import type { ImageName } from "./recipes.ts";

// Where the example's images live in a registry; compose.yaml names the same references.
export const EXAMPLE_TAG = "1";

export function exampleImageRef(registry: string, name: ImageName): string {
  return `${registry}/tstack-example/${name}:${EXAMPLE_TAG}`;
}

// Loopback registries speak plain HTTP (as Debian's docker-registry does when started
// without TLS); anything else must present a certificate skopeo trusts.
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith("[") ? registry.slice(0, registry.indexOf("]") + 1) : registry.split(":")[0]!;
  return host === "localhost" || host === "[::1]" || /^127\./.test(host);
}

export async function pushImage(run: RunCommand, layout: string, tag: string, ref: string): Promise<void> {
  const tls = isLoopbackRegistry(ref.split("/")[0]!) ? ["--dest-tls-verify=false"] : [];
  await run("skopeo", ["copy", "--quiet", ...tls, `oci:${layout}:${tag}`, `docker://${ref}`]);
}
