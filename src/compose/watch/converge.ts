import type { Stats } from "node:fs";
import { mapLimit } from "../../common/mutex.ts";
import type { EngineClient } from "../engine-client/index.ts";
import { containerHashes, type HostHashes } from "./content-hash.ts";
import { acceptedTree } from "./host-tree.ts";
import { containerPathOf, workOf, type PathMapping, type ServiceWork } from "./route.ts";
import type { PlannedRule } from "./watch-plan.ts";

export interface Convergence {
  readonly work: ServiceWork;
  /** Files the rules manage on the host. */
  readonly checked: number;
  /** Of those, the ones the container lacks or holds with other content. */
  readonly differing: number;
  /** False when the container could not hash (no sha256sum): every file counts as differing. */
  readonly hashed: boolean;
}

/**
 * What brings one container in line with the host for these sync rules: the regular files under
 * each rule's path (as its filter accepts them) whose content the container lacks, as the work of
 * a batch that wrote them, so that sync+restart and sync+exec rules that copied something restart
 * and run as after a save. Files only in the container are left alone: a rule's target also holds
 * what the image put there (build output, installed packages), which the host never had.
 */
export async function convergence(client: EngineClient, container: string, service: string, rules: readonly PlannedRule[], hostHashes: HostHashes, signal: AbortSignal): Promise<Convergence> {
  const files: (PathMapping & { readonly stat: Stats })[] = [];
  for (const rule of rules) {
    for await (const { path, stat } of acceptedTree(rule.path, rule.filter)) {
      if (stat.isFile()) files.push({ hostPath: path, containerPath: containerPathOf(rule, path), rule, stat });
    }
  }
  // The host hashes while the container does; a few files at a time, to stay far from the open-file limit.
  const hostSide = mapLimit(files, 8, (f) => hostHashes.of(f.hostPath, f.stat).catch(() => undefined));
  const inContainer = files.length > 0 ? await containerHashes(client, container, [...new Set(files.map((f) => f.containerPath))], signal) : new Map<string, string>();
  const onHost = await hostSide;
  // undefined on the host: vanished meanwhile, and its removal is a change of its own.
  const differing = files.filter((f, i) => onHost[i] !== undefined && inContainer?.get(f.containerPath) !== onHost[i]);
  const hits = rules.map((rule) => ({ rule, changes: differing.filter((d) => d.rule === rule).map((d) => ({ path: d.hostPath, kind: "write" as const, isDir: false })) }));
  return {
    work: workOf(service, hits.filter((h) => h.changes.length > 0)),
    checked: files.length,
    differing: differing.length,
    hashed: inContainer !== undefined,
  };
}

