export { observe, observedContainerOf, projectContainers, shortLabel, type ContainerQuery } from "./observe.ts";
export { emptyObservedState } from "./observed-state.ts";
export type { ObservedContainer, ObservedNetwork, ObservedState, ObservedVolume } from "./observed-state.ts";
