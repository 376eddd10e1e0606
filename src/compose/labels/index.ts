export { COMPOSE_VERSION_LABEL_VALUE, LABEL, ONEOFF_FALSE, ONEOFF_TRUE, TSTACK_LABEL } from "./keys.ts";
export { containerName, projectFilter, projectResourceName, replacementName } from "./names.ts";
export { formatDependsOnLabel, parseDependsOnLabel } from "./depends-on-label.ts";
export type { DependsOnLabelEntry } from "./depends-on-label.ts";
export { containerLabels, networkLabels, volumeLabels } from "./object-labels.ts";
export type { ContainerLabelInput } from "./object-labels.ts";
