import type { SourceLines } from "./dockerfile-error.ts";
import type { Heredoc } from "./heredoc.ts";
import type { MountSpec } from "./run-mount.ts";

// The typed instructions of a parsed Dockerfile, before any variable expansion: strings are as
// written (quotes still in ENV/LABEL values and COPY paths), so that expansion, which depends on
// the stage and the build args, is a separate pure step (src/build/expand).

/** Exec form (`["a", "b"]`, run as is) or shell form (run by the SHELL, default /bin/sh -c). */
export type CommandForm =
  | { readonly form: "exec"; readonly args: readonly string[] }
  | { readonly form: "shell"; readonly command: string };

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface ArgDeclaration {
  readonly name: string;
  /** Absent for `ARG NAME` (no default). */
  readonly default?: string;
}

export type CopySource =
  | { readonly kind: "path"; readonly path: string }
  /** `COPY <<EOF /dest`: the body becomes a file named after the delimiter. */
  | { readonly kind: "heredoc"; readonly heredoc: Heredoc };

export type Healthcheck =
  | { readonly test: "none" }
  | {
      readonly test: "cmd";
      readonly command: CommandForm;
      /** Nanoseconds; absent: the engine's default. */
      readonly interval?: number;
      readonly timeout?: number;
      readonly startPeriod?: number;
      readonly startInterval?: number;
      readonly retries?: number;
    };

interface Common extends SourceLines {
  /** The logical line as written (continuations joined), for messages and image history. */
  readonly original: string;
}

export interface FromInstruction extends Common {
  readonly kind: "from";
  /** Image reference, stage name or `scratch`, before global ARG expansion. */
  readonly image: string;
  readonly platform?: string;
  /** `AS name`, lower-cased as BuildKit does. */
  readonly stageName?: string;
}
export interface RunInstruction extends Common {
  readonly kind: "run";
  readonly command: CommandForm;
  readonly mounts: readonly MountSpec[];
  readonly network?: "default" | "none" | "host";
  readonly heredocs: readonly Heredoc[];
}
export interface CmdInstruction extends Common {
  readonly kind: "cmd";
  readonly command: CommandForm;
}
export interface EntrypointInstruction extends Common {
  readonly kind: "entrypoint";
  readonly command: CommandForm;
}
export interface ShellInstruction extends Common {
  readonly kind: "shell";
  readonly shell: readonly string[];
}
export interface CopyInstruction extends Common {
  readonly kind: "copy";
  readonly sources: readonly CopySource[];
  readonly dest: string;
  /** A stage name, a stage index, or an image reference; absent: the build context. */
  readonly from?: string;
  readonly chown?: string;
  readonly chmod?: string;
  readonly link: boolean;
}
export interface AddInstruction extends Common {
  readonly kind: "add";
  readonly sources: readonly CopySource[];
  readonly dest: string;
  readonly chown?: string;
  readonly chmod?: string;
  readonly link: boolean;
  /** `--checksum=sha256:...` for a URL source. */
  readonly checksum?: string;
  readonly keepGitDir: boolean;
}
export interface EnvInstruction extends Common {
  readonly kind: "env";
  readonly pairs: readonly KeyValue[];
}
export interface ArgInstruction extends Common {
  readonly kind: "arg";
  readonly args: readonly ArgDeclaration[];
}
export interface WorkdirInstruction extends Common {
  readonly kind: "workdir";
  readonly path: string;
}
export interface UserInstruction extends Common {
  readonly kind: "user";
  readonly user: string;
}
export interface ExposeInstruction extends Common {
  readonly kind: "expose";
  readonly ports: readonly string[];
}
export interface LabelInstruction extends Common {
  readonly kind: "label";
  readonly pairs: readonly KeyValue[];
}
export interface VolumeInstruction extends Common {
  readonly kind: "volume";
  readonly paths: readonly string[];
}
export interface HealthcheckInstruction extends Common {
  readonly kind: "healthcheck";
  readonly healthcheck: Healthcheck;
}
export interface StopsignalInstruction extends Common {
  readonly kind: "stopsignal";
  readonly signal: string;
}
export interface OnbuildInstruction extends Common {
  readonly kind: "onbuild";
  /** The trigger parsed (to reject a bad one now); it runs in a child image's build. */
  readonly trigger: Instruction;
  /** The trigger text as stored in the image config (heredoc bodies appended). */
  readonly expression: string;
}
export interface MaintainerInstruction extends Common {
  readonly kind: "maintainer";
  readonly name: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | ShellInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | ArgInstruction
  | WorkdirInstruction
  | UserInstruction
  | ExposeInstruction
  | LabelInstruction
  | VolumeInstruction
  | HealthcheckInstruction
  | StopsignalInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

export type InstructionKind = Instruction["kind"];
