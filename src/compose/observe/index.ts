export { observe, observedContainerOf } from "./observe.ts";
export { emptyObservedState } from "./observed-state.ts";
export type { ObservedContainer, ObservedNetwork, ObservedState, ObservedVolume } from "./observed-state.ts";
