export type { ImageReference } from "./image-reference.ts";
export {
  DEFAULT_DOMAIN,
  DEFAULT_REGISTRY_HOST,
  DEFAULT_TAG,
  LEGACY_DEFAULT_DOMAIN,
  OFFICIAL_REPO_PREFIX,
} from "./image-reference.ts";
export { parseNamedReference, parseReference, withDigest, withTag } from "./parse-reference.ts";
export {
  familiarName,
  familiarRepository,
  pullTarget,
  registryHost,
  repositoryName,
  toString,
} from "./format-reference.ts";
export { digestProblem, validateDigest } from "./digest-syntax.ts";
