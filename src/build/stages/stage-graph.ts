import { fileError } from "../dockerfile/dockerfile-error.ts";
import type { Dockerfile } from "../dockerfile/parse-dockerfile.ts";
import { processWordOr } from "../dockerfile/shell-lexer.ts";
import type { ArgScope } from "../expand/build-args.ts";
import { parsePlatform, type Platform } from "../expand/platform.ts";

// The stages of a Dockerfile as a graph, as BuildKit's dockerfile2llb builds it:
// - `FROM <name>` is a stage when an earlier stage has that name, else an image (or scratch);
// - `COPY --from=` and `RUN --mount=...,from=` name a stage (by name, any position, or by index),
//   else an image to pull; an index past the last stage is an error;
// - a cycle is an error, for every stage (like a syntax error), whatever the target;
// - a target needs itself and what it depends on; the others are skipped, even if they would fail.

export type StageBase =
  | { readonly kind: "scratch" }
  | { readonly kind: "stage"; readonly index: number }
  /** `ref` after global ARG expansion, as written otherwise (not normalised). */
  | { readonly kind: "image"; readonly ref: string };

/** Where a COPY --from / mount from=... reads. */
export type StageSource = { readonly kind: "stage"; readonly index: number } | { readonly kind: "image"; readonly ref: string };

export interface StageEdge {
  readonly index: number;
  readonly via: "from" | "copy" | "mount";
  readonly line: number;
}

export interface StageNode {
  readonly index: number;
  readonly name?: string;
  readonly line: number;
  readonly base: StageBase;
  /** FROM --platform after expansion; absent: the target platform. */
  readonly platform?: Platform;
  /** Stages this one needs built first, one edge per reference. */
  readonly edges: readonly StageEdge[];
  /** Images read by COPY --from / mounts (not the base), which the executor must pull. */
  readonly sourceImages: readonly { readonly ref: string; readonly line: number }[];
}

export interface StageGraph {
  readonly file: string;
  readonly stages: readonly StageNode[];
  readonly byName: ReadonlyMap<string, number>;
}

export interface StageSelection {
  readonly target: number;
  /** The stages to build, dependencies before dependants. */
  readonly order: readonly number[];
  /** The same in waves: every stage of a wave depends only on earlier waves, so a wave can build in parallel. */
  readonly waves: readonly (readonly number[])[];
}

export function buildStageGraph(df: Dockerfile, globals: ArgScope): StageGraph {
  const byName = new Map<string, number>();
  df.stages.forEach((s) => s.name !== undefined && byName.set(s.name, s.index));
  const expand = (text: string, line: number): string =>
    processWordOr(text, (n) => globals.get(n), { escape: df.directives.escape }, (e) => fileError(df.file, line, e.message, e)).word;
  const source = (from: string, line: number) => stageSource({ file: df.file, stageCount: df.stages.length, byName }, from, line);

  const stages = df.stages.map((stage): StageNode => {
    const from = stage.from;
    const ref = expand(from.image, from.line);
    if (ref === "") throw fileError(df.file, from.line, `base name (${from.image}) should not be blank`);
    const earlier = byName.get(ref);
    const base: StageBase =
      earlier !== undefined && earlier < stage.index
        ? { kind: "stage", index: earlier }
        : ref.toLowerCase() === "scratch"
          ? { kind: "scratch" }
          : { kind: "image", ref };
    let platform: Platform | undefined;
    if (from.platform !== undefined) {
      try {
        platform = parsePlatform(expand(from.platform, from.line));
      } catch (err) {
        throw fileError(df.file, from.line, `FROM --platform: ${(err as Error).message}`, err);
      }
    }
    const edges: StageEdge[] = base.kind === "stage" ? [{ index: base.index, via: "from", line: from.line }] : [];
    const sourceImages: { ref: string; line: number }[] = [];
    const add = (src: StageSource, via: "copy" | "mount", line: number) => {
      if (src.kind === "stage") edges.push({ index: src.index, via, line });
      else sourceImages.push({ ref: src.ref, line });
    };
    for (const ins of stage.instructions) {
      if (ins.kind === "copy" && ins.from !== undefined) {
        if (ins.from.includes("$"))
          throw fileError(df.file, ins.line, `COPY --from=${ins.from}: --from doesn't support variable expansion, define an alias stage instead`);
        add(source(ins.from, ins.line), "copy", ins.line);
      }
      if (ins.kind === "run") for (const m of ins.mounts) if (m.from !== undefined) add(source(m.from, ins.line), "mount", ins.line);
    }
    return {
      index: stage.index,
      ...(stage.name === undefined ? {} : { name: stage.name }),
      line: from.line,
      base,
      ...(platform === undefined ? {} : { platform }),
      edges,
      sourceImages,
    };
  });
  const graph = { file: df.file, stages, byName };
  rejectCycles(graph);
  return graph;
}

/** What a `--from=` / `from=` value names: a stage by index or (case-insensitive) name, else an image. */
export function stageSource(
  graph: { readonly file: string; readonly stageCount: number; readonly byName: ReadonlyMap<string, number> },
  from: string,
  line: number,
): StageSource {
  if (/^\d+$/.test(from)) {
    const index = Number(from);
    if (index >= graph.stageCount) throw fileError(graph.file, line, `invalid stage index ${from} (there are ${graph.stageCount} stages)`);
    return { kind: "stage", index };
  }
  const index = graph.byName.get(from.toLowerCase());
  return index === undefined ? { kind: "image", ref: from } : { kind: "stage", index };
}

/** The stages `target` (a stage name; default the last stage) needs, in build order and waves. */
export function selectStages(graph: StageGraph, target?: string): StageSelection {
  const t = target === undefined ? graph.stages.length - 1 : graph.byName.get(target.toLowerCase());
  if (t === undefined) throw fileError(graph.file, 0, `target stage "${target}" could not be found`);
  const level = new Map<number, number>();
  const order: number[] = [];
  const visit = (i: number): number => {
    const known = level.get(i);
    if (known !== undefined) return known;
    let l = 0;
    for (const e of graph.stages[i]?.edges ?? []) l = Math.max(l, visit(e.index) + 1);
    level.set(i, l);
    order.push(i);
    return l;
  };
  visit(t);
  const waves: number[][] = [];
  for (const [i, l] of level) (waves[l] ??= []).push(i);
  for (const w of waves) w.sort((a, b) => a - b);
  return { target: t, order, waves };
}

function rejectCycles(graph: StageGraph): void {
  const done = new Set<number>();
  const stack: number[] = [];
  const label = (i: number) => graph.stages[i]?.name ?? `stage-${i}`;
  const visit = (i: number): void => {
    stack.push(i);
    for (const e of graph.stages[i]?.edges ?? []) {
      const at = stack.indexOf(e.index);
      if (at >= 0) {
        const cycle = [...stack.slice(at), e.index].map(label).join(" → ");
        throw fileError(graph.file, e.line, `circular dependency detected on stage: ${label(e.index)} (${cycle})`);
      }
      if (!done.has(e.index)) visit(e.index);
    }
    stack.pop();
    done.add(i);
  };
  for (const s of graph.stages) if (!done.has(s.index)) visit(s.index);
}
