// The OCI runtime spec builder: image config + create options + host facts → config.json.
// Pure; the engine gathers the facts, writes `serializeSpec(spec)` and runs the runtime.
export { buildSpec, MASKED_PATHS, READONLY_PATHS } from "./build-spec.ts";
export type { BuiltSpec, HostFacts, SpecInput } from "./spec-input.ts";
export type {
  BindMount,
  ContainerCreateOptions,
  DeviceMapping,
  ExtraHost,
  HostDevice,
  Mount,
  NamespaceMode,
  NetworkMode,
  Propagation,
  Resources,
  RlimitName,
  TmpfsMount,
  Ulimit,
  VolumeMount,
} from "./create-options.ts";
export type { ImageConfig, ImageHealthcheck } from "./image-config.ts";
export type * from "./oci-types.ts";
export { OCI_VERSION } from "./oci-types.ts";
export { serializeSpec, serializeJson } from "./serialize.ts";
export { resolveUser, parsePasswd, parseGroup } from "./user.ts";
export type { ResolveUserInput, ResolvedUser, PasswdEntry, GroupEntry } from "./user.ts";
export { resolveProcessArgs } from "./process-args.ts";
export type { ProcessArgsInput } from "./process-args.ts";
export { mergeEnv, DEFAULT_PATH_ENV } from "./env.ts";
export { parseSignal, SIGTERM } from "./signal.ts";
export type { Signal } from "./signal.ts";
export { resolveCapabilities, DEFAULT_CAPABILITIES, ALL_CAPABILITIES } from "./capabilities.ts";
export { DEFAULT_SHM_SIZE, INIT_PATH_IN_CONTAINER } from "./mounts.ts";
export type { ContainerFiles } from "./mounts.ts";
export { RLIM_INFINITY } from "./rlimits.ts";
export type { HostRlimits } from "./rlimits.ts";
export { renderHostsFile, renderHostnameFile } from "./hosts-file.ts";
export type { HostsFileInput } from "./hosts-file.ts";
