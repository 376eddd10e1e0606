import { failedPrecondition, unimplemented } from "../../common/errors.ts";
import type { Project, ServiceConfig } from "../model/index.ts";
import type { PullPolicy } from "./plan-types.ts";

/** The image a service runs: `image`, else compose's default name for a built image. */
export function imageRef(project: Project, service: ServiceConfig): string {
  return service.image ?? `${project.name}-${service.name}`;
}

// compose's spellings: if_not_present = missing; daily/weekly/every_<d> refresh schedules are
// not tracked by tstack (no record of the last pull), so they behave like missing.
export function pullPolicyOf(service: ServiceConfig, override: PullPolicy | undefined): PullPolicy {
  if (override !== undefined) return override;
  const p = service.pull_policy;
  if (p === "always" || p === "never" || p === "build" || p === "missing") return p;
  return "missing";
}

/** Whether `up` pulls the service's image; throws when the image can neither be found nor pulled. */
export function needsPull(project: Project, service: ServiceConfig, policy: PullPolicy, present: boolean): boolean {
  const ref = imageRef(project, service);
  // compose builds when the policy says so, or when a service with `build:` has no image yet.
  if (policy === "build" || (service.build !== undefined && !present)) {
    throw unimplemented(`service ${service.name} needs image ${ref} built; building images is not supported yet`);
  }
  switch (policy) {
    case "always":
      return true;
    case "missing":
      return !present;
    case "never":
      if (!present) throw failedPrecondition(`image ${ref} for service ${service.name} is not present and its pull policy is never`);
      return false;
  }
}
