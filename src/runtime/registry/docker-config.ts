import { readFile as fsReadFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { invalidArgument } from "../../common/errors.ts";
import type { RegistryLogger } from "./seams.ts";

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Looks up credentials for a reference domain (`docker.io`, `localhost:5000`). */
export type CredentialLookup = (domain: string) => Promise<Credentials | undefined>;

export interface DockerConfigAuth {
  readonly credentials?: Credentials;
  readonly identityToken?: string;
}

/** The parts of `~/.docker/config.json` that matter for pulling and pushing. */
export interface DockerConfig {
  readonly auths: ReadonlyMap<string, DockerConfigAuth>; // keyed by normalised registry domain
  readonly credsStore?: string;
  readonly credHelpers: ReadonlyMap<string, string>;
}

const HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/**
 * Normalises a config key to a reference domain: Docker writes Hub credentials under
 * `https://index.docker.io/v1/` and others under `host[:port]`, sometimes with a scheme or path.
 */
export function normaliseAuthKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
  const lower = host.toLowerCase();
  return HUB_ALIASES.has(lower) ? "docker.io" : lower;
}

function decodeAuth(auth: string, key: string): Credentials {
  const decoded = Buffer.from(auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw invalidArgument(`docker config: "auth" for ${key} is not base64 of "user:password"`);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Pure parser of a docker config file's text; `source` names it in errors. */
export function parseDockerConfig(text: string, source = "docker config"): DockerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`${source} is not valid JSON: ${(err as Error).message}`, err);
  }
  if (typeof json !== "object" || json === null) throw invalidArgument(`${source} is not a JSON object`);
  const o = json as Record<string, unknown>;
  const auths = new Map<string, DockerConfigAuth>();
  const rawAuths = o["auths"];
  if (typeof rawAuths === "object" && rawAuths !== null) {
    for (const [key, value] of Object.entries(rawAuths as Record<string, unknown>)) {
      if (typeof value !== "object" || value === null) continue;
      const v = value as Record<string, unknown>;
      let credentials: Credentials | undefined;
      if (typeof v["auth"] === "string" && v["auth"] !== "") credentials = decodeAuth(v["auth"], key);
      else if (typeof v["username"] === "string" && typeof v["password"] === "string") {
        credentials = { username: v["username"], password: v["password"] };
      }
      const identityToken = typeof v["identitytoken"] === "string" ? v["identitytoken"] : undefined;
      const domain = normaliseAuthKey(key);
      // An exact key for the domain wins over aliases written in other spellings.
      if (auths.has(domain) && key !== domain) continue;
      auths.set(domain, {
        ...(credentials !== undefined ? { credentials } : {}),
        ...(identityToken !== undefined ? { identityToken } : {}),
      });
    }
  }
  const credHelpers = new Map<string, string>();
  if (typeof o["credHelpers"] === "object" && o["credHelpers"] !== null) {
    for (const [key, helper] of Object.entries(o["credHelpers"] as Record<string, unknown>)) {
      if (typeof helper === "string") credHelpers.set(normaliseAuthKey(key), helper);
    }
  }
  const credsStore = typeof o["credsStore"] === "string" && o["credsStore"] !== "" ? o["credsStore"] : undefined;
  return { auths, credHelpers, ...(credsStore !== undefined ? { credsStore } : {}) };
}

/** Credentials stored inline for `domain`, if any. */
export function credentialsFor(config: DockerConfig, domain: string): Credentials | undefined {
  return config.auths.get(normaliseAuthKey(domain))?.credentials;
}

/** The credential helper Docker would ask for `domain` (tstack does not run helpers yet). */
export function credentialHelperFor(config: DockerConfig, domain: string): string | undefined {
  return config.credHelpers.get(normaliseAuthKey(domain)) ?? config.credsStore;
}

export function defaultDockerConfigPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(env["DOCKER_CONFIG"] ?? join(homedir(), ".docker"), "config.json");
}

/**
 * The edge: a CredentialLookup reading a docker config file once (lazily). A missing file
 * means anonymous access; a broken one is an InvalidArgument naming the file.
 */
export function dockerConfigCredentials(opts: {
  readonly path?: string;
  readonly readFile?: (path: string) => Promise<string>;
  readonly logger?: RegistryLogger;
} = {}): CredentialLookup {
  const path = opts.path ?? defaultDockerConfigPath();
  const read = opts.readFile ?? ((p: string) => fsReadFile(p, "utf8"));
  let loaded: Promise<DockerConfig | undefined> | undefined;
  const load = async (): Promise<DockerConfig | undefined> => {
    let text: string;
    try {
      text = await read(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    return parseDockerConfig(text, path);
  };
  return async (domain) => {
    loaded ??= load();
    const config = await loaded;
    if (config === undefined) return undefined;
    const creds = credentialsFor(config, domain);
    if (creds === undefined) {
      const helper = credentialHelperFor(config, domain);
      if (helper !== undefined) {
        opts.logger?.warn(`credential helper "docker-credential-${helper}" is not supported; pulling ${domain} anonymously`);
      }
    }
    return creds;
  };
}
