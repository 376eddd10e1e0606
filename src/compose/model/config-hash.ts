import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";
import type { ServiceConfig } from "./types.ts";

/**
 * The `com.docker.compose.config-hash` label value: sha256 (hex) of the canonical JSON of the
 * normalised service, without the fields that must not recreate a container. Like docker/compose's
 * ServiceHash (pkg/compose/hash.go) it drops build, pull_policy, scale/replicas, depends_on and
 * profiles; it also drops the service name and x-* extensions, which compose-go never serialises.
 * Changing this function changes every hash and recreates every container: the golden tests pin it.
 */
export function configHash(service: ServiceConfig): string {
  const { build: _b, pull_policy: _p, scale: _s, depends_on: _d, profiles: _pr, name: _n, extensions: _x, ...rest } = service;
  return createHash("sha256").update(canonicalJson(rest)).digest("hex");
}
