import { dataLoss, unimplemented } from "../../common/errors.ts";
import { isDigest, type Digest } from "../content/digest.ts";
import { digestProblem } from "../reference/digest-syntax.ts";
import type {
  Descriptor,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  ManifestDocument,
  Platform,
} from "./manifest-types.ts";
import { MediaType, isImageManifestMediaType, isIndexMediaType } from "./media-types.ts";

// Runtime checks of registry JSON. Malformed documents are DataLoss: the bytes came from
// content we trusted (a registry or the store) and are not what an image must be.

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(bytes: Uint8Array | string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    throw dataLoss(`${what} is not valid JSON: ${(err as Error).message}`, err);
  }
  if (!isObject(value)) throw dataLoss(`${what} is not a JSON object`);
  return value;
}

function optionalString(o: Json, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw dataLoss(`${where}: "${key}" must be a string`);
  return v;
}

function requireString(o: Json, key: string, where: string): string {
  const v = optionalString(o, key, where);
  if (v === undefined || v === "") throw dataLoss(`${where}: missing "${key}"`);
  return v;
}

function stringMap(v: unknown, where: string): Readonly<Record<string, string>> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === "string")) {
    throw dataLoss(`${where} must be a map of strings`);
  }
  return v as Record<string, string>;
}

/** Checks a digest found in a document; non-sha256 algorithms are valid but not supported. */
export function checkDigest(v: unknown, where: string): Digest {
  if (typeof v !== "string") throw dataLoss(`${where}: missing digest`);
  if (isDigest(v)) return v;
  const problem = digestProblem(v);
  if (problem === undefined) throw unimplemented(`${where}: digest ${v} uses an algorithm tstack does not support (only sha256)`);
  throw dataLoss(`${where}: invalid digest "${v}": ${problem}`);
}

function parsePlatform(v: unknown, where: string): Platform | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw dataLoss(`${where}: "platform" must be an object`);
  const variant = optionalString(v, "variant", where);
  const osVersion = optionalString(v, "os.version", where);
  const features = v["os.features"];
  if (features !== undefined && !(Array.isArray(features) && features.every((f) => typeof f === "string"))) {
    throw dataLoss(`${where}: "os.features" must be a list of strings`);
  }
  return {
    architecture: requireString(v, "architecture", `${where} platform`),
    os: requireString(v, "os", `${where} platform`),
    ...(variant !== undefined ? { variant } : {}),
    ...(osVersion !== undefined ? { "os.version": osVersion } : {}),
    ...(features !== undefined ? { "os.features": features as string[] } : {}),
  };
}

export function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v)) throw dataLoss(`${where}: descriptor must be an object`);
  const size = v["size"];
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw dataLoss(`${where}: "size" must be a non-negative integer`);
  }
  const urls = v["urls"];
  if (urls !== undefined && !(Array.isArray(urls) && urls.every((u) => typeof u === "string"))) {
    throw dataLoss(`${where}: "urls" must be a list of strings`);
  }
  const annotations = stringMap(v["annotations"], `${where} annotations`);
  const platform = parsePlatform(v["platform"], where);
  const artifactType = optionalString(v, "artifactType", where);
  return {
    mediaType: requireString(v, "mediaType", where),
    digest: checkDigest(v["digest"], where),
    size,
    ...(urls !== undefined ? { urls: urls as string[] } : {}),
    ...(annotations !== undefined ? { annotations } : {}),
    ...(platform !== undefined ? { platform } : {}),
    ...(artifactType !== undefined ? { artifactType } : {}),
  };
}

function descriptorList(v: unknown, key: string, where: string): Descriptor[] {
  if (!Array.isArray(v)) throw dataLoss(`${where}: missing "${key}" list`);
  return v.map((d, i) => parseDescriptor(d, `${where} ${key}[${i}]`));
}

function checkSchemaVersion(o: Json, where: string): void {
  if (o["schemaVersion"] === 1) {
    throw unimplemented(
      `${where} uses Docker image manifest schema 1, which tstack does not support; re-push the image with a current client`,
    );
  }
  if (o["schemaVersion"] !== 2) throw dataLoss(`${where}: unsupported schemaVersion ${JSON.stringify(o["schemaVersion"])}`);
}

// The fields an index and an image manifest share (schemaVersion checked by the caller).
function commonFields(o: Json, where: string) {
  const subject = o["subject"] === undefined ? undefined : parseDescriptor(o["subject"], `${where} subject`);
  const annotations = stringMap(o["annotations"], `${where} annotations`);
  const mediaType = optionalString(o, "mediaType", where);
  const artifactType = optionalString(o, "artifactType", where);
  return {
    schemaVersion: 2 as const,
    ...(mediaType !== undefined ? { mediaType } : {}),
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(annotations !== undefined ? { annotations } : {}),
  };
}

function toIndex(o: Json, where: string): ImageIndex {
  return { ...commonFields(o, where), manifests: descriptorList(o["manifests"], "manifests", where) };
}

function toManifest(o: Json, where: string): ImageManifest {
  return {
    ...commonFields(o, where),
    config: parseDescriptor(o["config"], `${where} config`),
    layers: descriptorList(o["layers"], "layers", where),
  };
}

const V1_TYPES: readonly string[] = [MediaType.DockerManifestV1, MediaType.DockerManifestV1Signed];

/**
 * Parses a manifest or index. The document's own `mediaType` wins over the HTTP
 * Content-Type (registries sometimes answer `application/json`); without either, the
 * shape decides.
 */
export function parseManifestDocument(
  bytes: Uint8Array | string,
  contentType?: string,
  what = "manifest",
): ManifestDocument {
  const header = contentType?.split(";")[0]?.trim().toLowerCase();
  if (header !== undefined && V1_TYPES.includes(header)) {
    throw unimplemented(`${what} uses Docker image manifest schema 1 (${header}), which tstack does not support`);
  }
  const o = parseJson(bytes, what);
  checkSchemaVersion(o, what);
  const declared = optionalString(o, "mediaType", what);
  const mediaType =
    declared ??
    (header !== undefined && (isIndexMediaType(header) || isImageManifestMediaType(header)) ? header : undefined) ??
    (Array.isArray(o["manifests"]) ? MediaType.OciIndex : MediaType.OciManifest);
  if (isIndexMediaType(mediaType)) return { kind: "index", mediaType, index: toIndex(o, what) };
  if (isImageManifestMediaType(mediaType)) return { kind: "manifest", mediaType, manifest: toManifest(o, what) };
  throw unimplemented(`${what} has media type ${mediaType}, which is not an image manifest or index`);
}

export function parseImageManifest(bytes: Uint8Array | string, what = "manifest"): ImageManifest {
  const doc = parseManifestDocument(bytes, undefined, what);
  if (doc.kind !== "manifest") throw dataLoss(`${what} is an index, expected an image manifest`);
  return doc.manifest;
}

export function parseImageIndex(bytes: Uint8Array | string, what = "index"): ImageIndex {
  const doc = parseManifestDocument(bytes, undefined, what);
  if (doc.kind !== "index") throw dataLoss(`${what} is an image manifest, expected an index`);
  return doc.index;
}

function optionalStringList(o: Json, key: string, where: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw dataLoss(`${where}: "${key}" must be a list of strings`);
}

/** Parses an image config blob, checking the fields the engine relies on. */
export function parseImageConfig(bytes: Uint8Array | string, what = "image config"): ImageConfig {
  const o = parseJson(bytes, what);
  requireString(o, "architecture", what);
  requireString(o, "os", what);
  const rootfs = o["rootfs"];
  if (!isObject(rootfs)) throw dataLoss(`${what}: missing "rootfs"`);
  if (rootfs["type"] !== "layers") throw dataLoss(`${what}: rootfs.type must be "layers"`);
  const diffIds = rootfs["diff_ids"];
  if (!Array.isArray(diffIds)) throw dataLoss(`${what}: missing rootfs.diff_ids`);
  diffIds.forEach((d, i) => checkDigest(d, `${what} rootfs.diff_ids[${i}]`));
  const config = o["config"];
  if (config !== undefined && config !== null) {
    if (!isObject(config)) throw dataLoss(`${what}: "config" must be an object`);
    for (const key of ["Env", "Entrypoint", "Cmd", "Shell", "OnBuild"]) optionalStringList(config, key, `${what} config`);
    for (const key of ["User", "WorkingDir", "StopSignal"]) optionalString(config, key, `${what} config`);
    stringMap(config["Labels"], `${what} config.Labels`);
  }
  if (o["history"] !== undefined && !Array.isArray(o["history"])) throw dataLoss(`${what}: "history" must be a list`);
  // Validated above field by field; the remaining fields are passed through as they are.
  if (config === null) {
    const { config: _dropped, ...rest } = o;
    return rest as unknown as ImageConfig;
  }
  return o as unknown as ImageConfig;
}
