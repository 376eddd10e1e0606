import type { ContainerSummary } from "../engine-client/engine-client.ts";

/** A container the project owns: the engine's summary, and what its labels say about it. */
export interface ObservedContainer extends ContainerSummary {
  readonly service: string;
  /** NaN-free: containers without a readable number label get 0 (never a wanted number). */
  readonly number: number;
  readonly oneoff: boolean;
  /** `com.docker.compose.config-hash`; "" when absent. */
  readonly configHash: string;
  /** The ID of the image the container was created from (the engine's ImageID, else its image label). */
  readonly imageId: string;
}

export interface ObservedNetwork {
  readonly id: string;
  readonly name: string;
  /** The compose key (`com.docker.compose.network`), "" when absent. */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ObservedVolume {
  readonly name: string;
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What the engine holds for a project, observed once; the planner's only view of the world. */
export interface ObservedState {
  readonly projectName: string;
  readonly containers: readonly ObservedContainer[];
  readonly networks: readonly ObservedNetwork[];
  readonly volumes: readonly ObservedVolume[];
}

export const emptyObservedState = (projectName: string): ObservedState => ({ projectName, containers: [], networks: [], volumes: [] });
