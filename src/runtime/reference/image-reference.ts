/**
 * A normalised image reference: always fully qualified (`docker.io/library/busybox`),
 * never carrying a legacy domain (`index.docker.io`). `tag` and `digest` may both be
 * present: the digest decides what is pulled, the tag is kept for display and tagging.
 * A reference parsed with the default tag has at least one of the two.
 */
export interface ImageReference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DEFAULT_DOMAIN = "docker.io";
export const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
export const OFFICIAL_REPO_PREFIX = "library/";
export const DEFAULT_TAG = "latest";
// Docker Hub's API lives on a different host than its name in references.
export const DEFAULT_REGISTRY_HOST = "registry-1.docker.io";
