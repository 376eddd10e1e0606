import { configHash } from "../model/index.ts";
import type { NetworkConfig, Project, ServiceConfig, VolumeConfig } from "../model/index.ts";
import { formatDependsOnLabel } from "./depends-on-label.ts";
import { COMPOSE_VERSION_LABEL_VALUE, LABEL, ONEOFF_FALSE, ONEOFF_TRUE, TSTACK_LABEL } from "./keys.ts";

export interface ContainerLabelInput {
  readonly number: number;
  /** The image ID the container runs; absent when not known yet (the executor fills it in after a pull). */
  readonly imageId?: string;
  readonly oneoff?: boolean;
  /** The ID of the container this one replaces (only while it carries a temporary name). */
  readonly replaces?: string;
  readonly tstackVersion?: string;
}

/** The labels of a service container: the user's labels, then the ownership labels (which win). */
export function containerLabels(project: Project, service: ServiceConfig, input: ContainerLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    ...service.labels,
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.containerNumber]: String(input.number),
    [LABEL.configHash]: configHash(service),
    [LABEL.oneoff]: input.oneoff === true ? ONEOFF_TRUE : ONEOFF_FALSE,
    [LABEL.dependsOn]: formatDependsOnLabel(service.depends_on),
    [LABEL.workingDir]: project.working_dir,
    [LABEL.configFiles]: project.config_files.join(","),
    [LABEL.version]: COMPOSE_VERSION_LABEL_VALUE,
  };
  if (input.imageId !== undefined) labels[LABEL.image] = input.imageId;
  if (input.replaces !== undefined) labels[LABEL.replace] = input.replaces;
  if (input.tstackVersion !== undefined) labels[TSTACK_LABEL.version] = input.tstackVersion;
  return labels;
}

export function networkLabels(projectName: string, key: string, network: NetworkConfig): Record<string, string> {
  return { ...network.labels, [LABEL.project]: projectName, [LABEL.network]: key, [LABEL.version]: COMPOSE_VERSION_LABEL_VALUE };
}

export function volumeLabels(projectName: string, key: string, volume: VolumeConfig): Record<string, string> {
  return { ...volume.labels, [LABEL.project]: projectName, [LABEL.volume]: key, [LABEL.version]: COMPOSE_VERSION_LABEL_VALUE };
}
