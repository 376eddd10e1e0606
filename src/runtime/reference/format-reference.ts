import {
  DEFAULT_DOMAIN,
  DEFAULT_REGISTRY_HOST,
  DEFAULT_TAG,
  OFFICIAL_REPO_PREFIX,
  type ImageReference,
} from "./image-reference.ts";

function suffix(ref: ImageReference): string {
  return `${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
}

/** `domain/path` — the repository a registry API call addresses. */
export function repositoryName(ref: Pick<ImageReference, "domain" | "path">): string {
  return `${ref.domain}/${ref.path}`;
}

/** The canonical form: `docker.io/library/busybox:latest`, `localhost:5000/a@sha256:…`. */
export function toString(ref: ImageReference): string {
  return repositoryName(ref) + suffix(ref);
}

/** Docker's short repository form: `busybox`, `user/repo`, `localhost:5000/x`. */
export function familiarRepository(ref: Pick<ImageReference, "domain" | "path">): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const short = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    // Only one level is shortened, as Docker does: library/a/b stays as it is.
    if (!short.includes("/")) return short;
  }
  return ref.path;
}

/** Docker's short form with tag and digest: `busybox:latest`, `user/repo@sha256:…`. */
export function familiarName(ref: ImageReference): string {
  return familiarRepository(ref) + suffix(ref);
}

/** What a pull asks the registry for: the digest when there is one, else the tag. */
export function pullTarget(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/** The host (with port) serving the registry API for a reference's domain. */
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN ? DEFAULT_REGISTRY_HOST : domain;
}
