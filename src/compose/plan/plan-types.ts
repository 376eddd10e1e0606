import type { DependencyCondition } from "../model/index.ts";
import type { ContainerCreateBody, NetworkCreateBody, VolumeCreateBody } from "../engine-client/docker-shapes.ts";

/**
 * One engine operation. Containers are referred to by something the engine accepts as a
 * reference: the ID of an existing container, or the name a container of this plan is created
 * (or renamed) with. `name` is always the human name shown in the plan.
 */
export type PlanOp =
  | { readonly kind: "create-network"; readonly key: string; readonly name: string; readonly body: NetworkCreateBody }
  | { readonly kind: "remove-network"; readonly name: string }
  | { readonly kind: "create-volume"; readonly key: string; readonly name: string; readonly body: VolumeCreateBody }
  | { readonly kind: "remove-volume"; readonly name: string }
  | { readonly kind: "pull-image"; readonly image: string; readonly platform?: string; readonly services: readonly string[] }
  | {
      readonly kind: "create-container";
      readonly service: string;
      readonly number: number;
      readonly name: string;
      readonly body: ContainerCreateBody;
      /** The image is pulled in this plan: the executor writes its ID into the image label before creating. */
      readonly resolveImageId: boolean;
    }
  | { readonly kind: "start-container"; readonly service: string; readonly container: string; readonly name: string }
  | { readonly kind: "stop-container"; readonly service: string; readonly container: string; readonly name: string; readonly timeoutSeconds?: number }
  | { readonly kind: "remove-container"; readonly service: string; readonly container: string; readonly name: string; readonly volumes: boolean }
  | { readonly kind: "rename-container"; readonly service: string; readonly container: string; readonly name: string; readonly to: string }
  | {
      /** Blocks dependants until every container of `service` meets the condition. */
      readonly kind: "wait";
      readonly service: string;
      readonly condition: Exclude<DependencyCondition, "service_started">;
      readonly dependant: string;
      /** A failed optional dependency is reported but does not fail the plan. */
      readonly required: boolean;
      readonly containers: readonly string[];
    };

export type PlanOpKind = PlanOp["kind"];

export interface PlanNode {
  /** 1-based, in emission order; dependencies always have smaller IDs (the nodes are topologically sorted). */
  readonly id: number;
  readonly op: PlanOp;
  /** Why this operation is needed, e.g. "config hash changed". */
  readonly reason: string;
  readonly deps: readonly number[];
}

/** A DAG of engine operations: data to print (`--dry-run`), golden-test, and hand to the executor. */
export interface Plan {
  readonly nodes: readonly PlanNode[];
  /** Things the user should know that are not operations (orphans left in place, ...). */
  readonly warnings: readonly string[];
}

export type PullPolicy = "always" | "missing" | "never" | "build";

export interface UpPlanOptions {
  /** Image reference → the image ID the engine has for it now; absent = not present locally. */
  readonly images: Readonly<Record<string, string | undefined>>;
  /** Only these services (and their dependencies unless noDeps); default all. */
  readonly services?: readonly string[];
  readonly noDeps?: boolean;
  /** Recreate the selected services' containers even if unchanged. */
  readonly forceRecreate?: boolean;
  /** Never recreate existing containers. */
  readonly noRecreate?: boolean;
  /** Also force-recreate dependencies that were not selected explicitly. */
  readonly alwaysRecreateDeps?: boolean;
  readonly removeOrphans?: boolean;
  /** Service → replica count, overriding `scale`/`deploy.replicas`. */
  readonly scale?: Readonly<Record<string, number>>;
  /** Create, but do not start. */
  readonly noStart?: boolean;
  /** Overrides every service's pull_policy. */
  readonly pullPolicy?: PullPolicy;
  /** Stop timeout for replaced/removed containers; default the service's stop_grace_period. */
  readonly timeoutSeconds?: number;
  /**
   * Service → its fully resolved environment (env_file contents under `environment`, bare names
   * looked up). The model keeps env_file paths and null values; reading them is the caller's effect.
   */
  readonly environment?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface DownPlanOptions {
  /** Also remove named volumes declared by the project and anonymous volumes of its containers. */
  readonly volumes?: boolean;
  readonly removeOrphans?: boolean;
  readonly timeoutSeconds?: number;
}
