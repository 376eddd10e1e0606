import { Buffer } from "node:buffer";
import { failedPrecondition, invalidArgument, unimplemented } from "../../common/errors.ts";
import { stepCacheKey } from "../cache/step-key.ts";
import { stepSourcesDigest } from "../cache/step-sources-digest.ts";
import type { Platform } from "../expand/platform.ts";
import type { PlannedStep, Step } from "../expand/step.ts";
import type { BuildSession } from "./build-session.ts";
import { copyEntries, needsDestStat, type CopyItem } from "./copy-entries.ts";
import { inSnapshot } from "./in-snapshot.ts";
import { ownerFilesNeeded, resolveOwner, type Owner } from "./owner.ts";
import type { BuildLayer, WriteEntry } from "./ports.ts";
import type { StepRef } from "./progress.ts";
import { readSource, treeOf } from "./read-source.ts";
import { runMounts, stepProcess } from "./run-process.ts";
import { runFailed } from "./step-error.ts";

// One step: its cache key from the parent's and what it reads; then the cache, or the work.
// Config-only steps (ARG, ENV, USER, CMD, ...) only advance the key: their effect is the image
// config the plan already holds. WORKDIR makes a layer only when it creates the directory.

export interface StepState {
  readonly key: string;
  /** The rootfs so far; undefined: empty. */
  readonly chainId: string | undefined;
}

export interface StepOutcome extends StepState {
  readonly outcome: "cached" | "built" | "config";
  readonly layer?: BuildLayer;
  /** When its layer was made (a cached one keeps its time). */
  readonly createdAt?: string;
}

export interface StageEnv {
  readonly index: number;
  readonly platform: Platform;
}

type CopyStep = Extract<Step, { kind: "copy" | "add" }>;
type Made = { readonly chainId: string | undefined; readonly layer?: BuildLayer };

export async function performStep(session: BuildSession, stage: StageEnv, planned: PlannedStep, ref: StepRef, state: StepState): Promise<StepOutcome> {
  const { ports, signal } = session;
  const step = planned.step;
  const name = `${stage.index}-${ref.step}`;
  switch (step.kind) {
    case "arg":
    case "config":
      return { key: stepCacheKey(state.key, planned), chainId: state.chainId, outcome: "config" };
    case "workdir":
      return cachedOr(session, stepCacheKey(state.key, planned), async () => {
        const found = await ports.snapshots.stat(state.chainId, step.path, signal);
        if (found?.type === "dir") return { chainId: state.chainId };
        if (found !== undefined) throw failedPrecondition(`${step.path} exists and is not a directory`);
        const owner = step.user === "" ? ROOT : await ownerIn(session, state.chainId, step.user);
        return inSnapshot(session, name, state.chainId, (key) => ports.snapshots.writeFiles(key, mkdirAll(step.path, owner), signal));
      });
    case "run": {
      const { mounts, bindDigests } = await runMounts(session, step, planned.line, stage.platform);
      const key = stepCacheKey(state.key, planned, bindDigests.length > 0 ? { bindMounts: bindDigests } : {});
      return cachedOr(session, key, () =>
        inSnapshot(session, name, state.chainId, async (snapshot) => {
          const process = stepProcess(step, mounts, session.plan.proxyEnv, stage.platform);
          const onOutput = (chunk: string) => session.emit({ type: "output", ...ref, chunk });
          const result = await ports.runner.run(snapshot, process, { signal, onOutput });
          if (result.exitCode !== 0) throw runFailed(session.plan.graph.file, planned, step.argv, result.exitCode, result.outputTail);
        }),
      );
    }
    case "copy":
    case "add": {
      const { items, digests } = await copySources(session, step, stage.platform);
      const key = stepCacheKey(state.key, planned, digests.length > 0 ? { sources: stepSourcesDigest(digests) } : {});
      return cachedOr(session, key, async () => {
        const owner = step.chown === undefined ? undefined : await ownerIn(session, state.chainId, step.chown);
        const destIsDir = needsDestStat(step.dest, items) && (await ports.snapshots.stat(state.chainId, step.dest, signal))?.type === "dir";
        const entries = copyEntries({
          dest: step.dest,
          items,
          destIsDir,
          ...(owner === undefined ? {} : { owner }),
          keepOwner: step.kind === "copy" && step.from.kind !== "context",
          ...(step.chmod === undefined ? {} : { chmod: step.chmod }),
          unpack: step.kind === "add",
        });
        return inSnapshot(session, name, state.chainId, (key) => ports.snapshots.writeFiles(key, entries, signal));
      });
    }
  }
}

const ROOT: Owner = { uid: 0, gid: 0 };

// The cache's record of `key`, or the work's result, recorded (--no-cache skips the lookup only).
async function cachedOr(session: BuildSession, key: string, perform: () => Promise<Made>): Promise<StepOutcome> {
  const { cache } = session.ports;
  const hit = session.noCache ? undefined : await cache.get(key, session.signal);
  if (hit !== undefined)
    return { key, chainId: hit.chainId, outcome: "cached", createdAt: hit.createdAt, ...(hit.layer === undefined ? {} : { layer: hit.layer }) };
  const made = await perform();
  const createdAt = session.ports.now().toISOString();
  await cache.put(key, { chainId: made.chainId, createdAt, ...(made.layer === undefined ? {} : { layer: made.layer }) });
  return { key, chainId: made.chainId, outcome: "built", createdAt, ...(made.layer === undefined ? {} : { layer: made.layer }) };
}

// The things a COPY/ADD copies, and one content digest per path source.
async function copySources(session: BuildSession, step: CopyStep, platform: Platform): Promise<{ items: CopyItem[]; digests: string[] }> {
  const word = step.kind.toUpperCase();
  if (step.sources.length > 1 && !step.dest.endsWith("/"))
    throw invalidArgument(`When using ${word} with more than one source file, the destination must be a directory and end with a /`);
  if (step.kind === "add") {
    if (step.checksum !== undefined) throw invalidArgument("--checksum requires an HTTP(S) or Git source");
    const remote = step.sources.find((s) => s.kind === "path" && /^([a-z][a-z0-9+.-]*:\/\/|git@)/i.test(s.path));
    if (remote !== undefined && remote.kind === "path") throw unimplemented(`ADD of a remote source (${remote.path}) is not supported yet`);
  }
  const source = await treeOf(session, step.kind === "copy" ? step.from : { kind: "context" }, platform);
  const drops = { owner: step.chown !== undefined || source.tree.kind === "context", mode: step.chmod !== undefined };
  const items: CopyItem[] = [];
  const digests: string[] = [];
  for (const s of step.sources) {
    if (s.kind === "content") {
      items.push({ kind: "inline", name: s.name, content: s.content });
      continue;
    }
    const read = await readSource(session, source, s.path, drops);
    digests.push(read.digest);
    for (const root of read.roots) items.push({ kind: "tree", tree: source.tree, root });
  }
  return { items, digests };
}

async function ownerIn(session: BuildSession, chainId: string | undefined, spec: string): Promise<Owner> {
  const need = ownerFilesNeeded(spec);
  const read = async (path: string, wanted: boolean) => {
    if (!wanted) return undefined;
    const data = await session.ports.snapshots.readFile(chainId, path, session.signal);
    return data === undefined ? undefined : Buffer.from(data).toString("utf8");
  };
  const [passwd, group] = await Promise.all([read("/etc/passwd", need.passwd), read("/etc/group", need.group)]);
  return resolveOwner(spec, { ...(passwd === undefined ? {} : { passwd }), ...(group === undefined ? {} : { group }) });
}

// `mkdir -p path` for the owner: every missing directory on the way is created for them.
function mkdirAll(path: string, owner: Owner): WriteEntry[] {
  const parts = path.split("/").filter((p) => p !== "");
  return parts.map((_, i) => ({ type: "dir", path: `/${parts.slice(0, i + 1).join("/")}`, mode: 0o755, ...owner, existing: "keep" }));
}
