import type Dockerode from "dockerode";
import { toEngineError } from "../compose/engine-client/index.ts";
import { LABEL, ONEOFF_TRUE, projectFilter } from "../compose/labels/index.ts";
import { compareStrings } from "../common/compare-strings.ts";

/** A project's container as the read-only commands (ps, logs, exec, ...) see it. */
export interface ProjectContainer {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly number: number;
  readonly oneoff: boolean;
  /** running, exited, ... */
  readonly state: string;
  /** Docker's status text: "Up 3 minutes (healthy)". */
  readonly status: string;
  readonly image: string;
  readonly command: string;
  readonly created: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly IP?: string; readonly PrivatePort: number; readonly PublicPort?: number; readonly Type: string }[];
}

export interface ListOptions {
  readonly services?: readonly string[];
  /** Include stopped containers (default true). */
  readonly all?: boolean;
  /** Include one-off (`run`) containers (default false). */
  readonly oneoff?: boolean;
}

/** The project's containers, from their labels, sorted by service then replica number. */
export async function listProjectContainers(docker: Dockerode, projectName: string, opts: ListOptions = {}): Promise<ProjectContainer[]> {
  let raw: Dockerode.ContainerInfo[];
  try {
    raw = await docker.listContainers({ all: opts.all ?? true, filters: JSON.stringify({ label: [projectFilter(projectName)] }) });
  } catch (err) {
    throw toEngineError(err, "list containers");
  }
  const wanted = opts.services !== undefined && opts.services.length > 0 ? new Set(opts.services) : undefined;
  return raw
    .map(projectContainerOf)
    .filter((c) => (opts.oneoff === true || !c.oneoff) && (wanted === undefined || wanted.has(c.service)))
    .sort((a, b) => compareStrings(a.service, b.service) || a.number - b.number || compareStrings(a.name, b.name));
}

export function projectContainerOf(c: Dockerode.ContainerInfo): ProjectContainer {
  const labels = c.Labels ?? {};
  const n = Number.parseInt(labels[LABEL.containerNumber] ?? "", 10);
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ""),
    service: labels[LABEL.service] ?? "",
    number: Number.isFinite(n) ? n : 0,
    oneoff: labels[LABEL.oneoff] === ONEOFF_TRUE,
    state: c.State ?? "",
    status: c.Status ?? "",
    image: c.Image ?? "",
    command: c.Command ?? "",
    created: c.Created ?? 0,
    labels,
    ports: (c.Ports ?? []) as ProjectContainer["ports"],
  };
}

/** "web-1": the service and replica, as compose prefixes log lines; one-offs keep their name. */
export function shortLabel(c: Pick<ProjectContainer, "service" | "number" | "oneoff" | "name">): string {
  return c.oneoff || c.number === 0 ? c.name : `${c.service}-${c.number}`;
}
