export {
  createRegistryClient,
  type BlobStream,
  type CallOptions,
  type FetchBlobOptions,
  type FetchedManifest,
  type PingResult,
  type PushBlobOptions,
  type PushBlobResult,
  type RegistryClient,
  type RegistryClientOptions,
  type ResolvedImage,
} from "./registry-client.ts";
export { MediaType, MANIFEST_ACCEPT, isImageManifestMediaType, isIndexMediaType, type ManifestMediaType } from "./media-types.ts";
export type {
  Descriptor,
  HealthcheckConfig,
  HistoryEntry,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  ImageRuntimeConfig,
  ManifestDocument,
  Platform,
} from "./manifest-types.ts";
export {
  parseDescriptor,
  parseImageConfig,
  parseImageIndex,
  parseImageManifest,
  parseManifestDocument,
} from "./parse-manifest.ts";
export { formatPlatform, hostPlatform, parsePlatform, platformRank, selectPlatform, type PlatformSpec } from "./platform.ts";
export {
  credentialHelperFor,
  credentialsFor,
  defaultDockerConfigPath,
  dockerConfigCredentials,
  normaliseAuthKey,
  parseDockerConfig,
  type CredentialLookup,
  type Credentials,
  type DockerConfig,
} from "./docker-config.ts";
export { createVerifier, verifiedChunks, verifyStream, type ExpectedContent } from "./verify-stream.ts";
export { parseOciErrors, registryError } from "./registry-errors.ts";
export { isInsecureRegistry, DEFAULT_RETRY, type RetryPolicy } from "./transport.ts";
export { systemClock, silentLogger, type BlobProgress, type Clock, type FetchFn, type ProgressListener, type RegistryLogger } from "./seams.ts";
