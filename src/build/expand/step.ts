import type { ImageConfig } from "../../runtime/spec/index.ts";
import type { SourceLines } from "../dockerfile/dockerfile-error.ts";
import type { ArgDeclaration } from "../dockerfile/instruction.ts";
import type { RunMount } from "../dockerfile/run-mount.ts";
import type { StageSource } from "../stages/stage-graph.ts";

// What the executor is handed for each instruction of a stage: everything expanded and resolved
// (paths made absolute against WORKDIR, shell form wrapped in the SHELL, mounts typed), so it
// performs the step without deciding anything. Config-only instructions carry the whole image
// config after them.

/** The image config a build reads from a base and writes: the runtime config plus Shell and OnBuild. */
export type BuildImageConfig = ImageConfig & {
  readonly Shell?: readonly string[];
  readonly OnBuild?: readonly string[] | null;
};

/** A file the executor mounts read-only for a RUN (a heredoc script with a `#!` line). */
export interface InlineFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export type StepSource =
  /** Relative to the source root (context, stage or image); for ADD also a URL. Globs kept. */
  | { readonly kind: "path"; readonly path: string }
  /** A heredoc: a file named `name` with this content. */
  | { readonly kind: "content"; readonly name: string; readonly content: string };

export type CopyFrom = { readonly kind: "context" } | StageSource;

export type Step =
  | {
      readonly kind: "run";
      readonly argv: readonly string[];
      /** KEY=VALUE: the image env, then the stage's ARGs with a value (ENV wins); never a proxy ARG. */
      readonly env: readonly string[];
      readonly workdir: string;
      /** "" for the image default (root). */
      readonly user: string;
      /** Targets absolute. */
      readonly mounts: readonly RunMount[];
      readonly network: "default" | "none" | "host";
      readonly files: readonly InlineFile[];
    }
  | {
      readonly kind: "copy";
      readonly from: CopyFrom;
      readonly sources: readonly StepSource[];
      /** Absolute; a trailing "/" means "into this directory". */
      readonly dest: string;
      readonly chown?: string;
      readonly chmod?: number;
      readonly link: boolean;
    }
  | {
      readonly kind: "add";
      readonly sources: readonly StepSource[];
      readonly dest: string;
      readonly chown?: string;
      readonly chmod?: number;
      readonly link: boolean;
      readonly checksum?: string;
      readonly keepGitDir: boolean;
    }
  /** Creates the directory (for `user`) and sets WorkingDir. */
  | { readonly kind: "workdir"; readonly path: string; readonly user: string }
  /** As declared (defaults unexpanded): a value reaches a cache key only where it is used. */
  | { readonly kind: "arg"; readonly declarations: readonly ArgDeclaration[] }
  | { readonly kind: "config"; readonly instruction: ConfigInstruction; readonly config: BuildImageConfig };

export type ConfigInstruction =
  | "ENV"
  | "LABEL"
  | "USER"
  | "EXPOSE"
  | "VOLUME"
  | "CMD"
  | "ENTRYPOINT"
  | "SHELL"
  | "HEALTHCHECK"
  | "STOPSIGNAL"
  | "ONBUILD"
  | "MAINTAINER";

export interface PlannedStep extends SourceLines {
  /** The instruction as written (image history's created_by). */
  readonly original: string;
  /** The step came from an ONBUILD trigger of the base; `line` is then the FROM line. */
  readonly trigger: boolean;
  readonly step: Step;
  /** The same step expanded with every proxy ARG left as `$NAME`: what cache keys hash. */
  readonly keyForm: Step;
}
