import { LABEL } from "./keys.ts";

// Engine-side names, compose v2 style.

/** `<project>-<service>-<n>`, or the service's `container_name` (which forbids scale > 1). */
export function containerName(projectName: string, serviceName: string, number: number, containerNameOverride?: string): string {
  return containerNameOverride ?? `${projectName}-${serviceName}-${number}`;
}

/**
 * The name a replacement container has until the old one is gone: the old ID's first 12 hex
 * digits, `_`, then the final name (docker/compose does the same, so leftovers look familiar).
 */
export function replacementName(oldId: string, finalName: string): string {
  return `${oldId.slice(0, 12)}_${finalName}`;
}

/** `<project>_<key>`; the model already applies this, `name:` and `external` to networks and volumes. */
export function projectResourceName(projectName: string, key: string): string {
  return `${projectName}_${key}`;
}

/** The label filter selecting everything a project owns: `com.docker.compose.project=<name>`. */
export function projectFilter(projectName: string): string {
  return `${LABEL.project}=${projectName}`;
}
