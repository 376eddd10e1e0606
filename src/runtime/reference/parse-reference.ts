import { invalidArgument } from "../../common/errors.ts";
import { digestProblem } from "./digest-syntax.ts";
import { DOMAIN_RE, IDENTIFIER_RE, NAME_TOTAL_LENGTH_MAX, PATH_RE, TAG_RE } from "./grammar.ts";
import {
  DEFAULT_DOMAIN,
  DEFAULT_TAG,
  LEGACY_DEFAULT_DOMAIN,
  OFFICIAL_REPO_PREFIX,
  type ImageReference,
} from "./image-reference.ts";

function fail(input: string, reason: string): never {
  throw invalidArgument(`invalid image reference "${input}": ${reason}`);
}

// Docker's rule for "is the first component a registry?": localhost, anything with a dot
// or a colon (host name, IPv4, port, IPv6), or anything uppercase (namespaces never are).
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf("/");
  if (slash === -1) return { domain: DEFAULT_DOMAIN, path: OFFICIAL_REPO_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let path: string;
  if (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first) {
    domain = first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
    path = rest;
  } else {
    domain = DEFAULT_DOMAIN;
    path = name;
  }
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_REPO_PREFIX + path;
  return { domain, path };
}

/**
 * Parses and normalises a reference without adding a default tag
 * (`busybox` → docker.io/library/busybox, no tag, no digest).
 */
export function parseNamedReference(input: string): ImageReference {
  if (input === "") fail(input, "empty reference");
  if (IDENTIFIER_RE.test(input)) fail(input, "a 64-character hexadecimal string is an image ID, not a repository name");

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest.includes("@")) fail(input, "more than one '@'");
    if (digest === "") fail(input, "empty digest after '@'");
    const problem = digestProblem(digest);
    if (problem !== undefined) fail(input, problem);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  // A colon before the last slash belongs to the domain's port, not to a tag.
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === "") fail(input, "empty tag after ':'");
    if (!TAG_RE.test(tag)) fail(input, `invalid tag "${tag}" (allowed: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  }
  if (rest === "") fail(input, "missing repository name");

  const { domain, path } = splitDomain(rest);
  if (path.toLowerCase() !== path) fail(input, `repository name must be lowercase (got "${path}")`);
  if (!DOMAIN_RE.test(domain)) fail(input, `invalid registry domain "${domain}"`);
  if (!PATH_RE.test(path)) {
    fail(input, `invalid repository name "${path}" (components are [a-z0-9] separated by '.', '_', '__' or '-')`);
  }
  const fullName = `${domain}/${path}`;
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
    fail(input, `repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Parses and normalises a reference as `docker pull` does: no tag and no digest means `:latest`. */
export function parseReference(input: string): ImageReference {
  const ref = parseNamedReference(input);
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** A copy of `ref` with another tag (validated), keeping its repository. */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  if (!TAG_RE.test(tag)) throw invalidArgument(`invalid tag "${tag}" (allowed: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  return { domain: ref.domain, path: ref.path, tag, ...(ref.digest !== undefined ? { digest: ref.digest } : {}) };
}

/** A copy of `ref` pinned to a digest (validated), keeping its tag for display. */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  const problem = digestProblem(digest);
  if (problem !== undefined) throw invalidArgument(`invalid digest "${digest}": ${problem}`);
  return { domain: ref.domain, path: ref.path, ...(ref.tag !== undefined ? { tag: ref.tag } : {}), digest };
}
