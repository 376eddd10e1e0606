import type { EngineClient } from "../engine-client/index.ts";
import type { ProgressSink } from "../execute/index.ts";
import type { LoaderFs } from "../load/loader-fs.ts";
import type { Project } from "../model/index.ts";

/** Shows one plan run's progress. Lifecycle: fed while the plan runs, then closed once. */
export interface ProgressDisplay {
  readonly sink: ProgressSink;
  close(): void;
}

/**
 * Where a stack operation reports, for its caller to render (the CLI: a progress display and
 * WARN lines on stderr). Operations never write to a terminal themselves.
 */
export interface StackReporter {
  /** Opens the display of one plan run, headed by its verb ("Running", "Stopping", "Pulling"). */
  progress(verb: string): ProgressDisplay;
  /** Something the user should know that did not fail the operation. */
  warn(message: string): void;
  /** A line about what was done outside a plan run: "Image x  Removed", "Gracefully stopping...". */
  status(line: string): void;
}

/**
 * The seams every stack operation takes, as docker compose's service holds its API client and
 * streams: the engine, where to report, when to stop, and a clock.
 */
export interface StackContext {
  readonly client: EngineClient;
  readonly reporter: StackReporter;
  /** Aborting (Ctrl-C) stops the operation; an attached `up` stops the stack gracefully. */
  readonly signal: AbortSignal;
  /** Milliseconds since the epoch, as Date.now. */
  readonly now: () => number;
  /** Engine operations at once in a plan run; default unlimited. */
  readonly concurrency?: number;
  /** Resolves after `ms`, rejects when the signal aborts (polling). Default: a timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where env_file files are read. Default: the local file system. */
  readonly fs?: LoaderFs;
}

/** A loaded project and the variables it was loaded with (env_file and bare `environment` entries resolve in them). */
export interface StackProject {
  readonly project: Project;
  readonly environment: Readonly<Record<string, string>>;
}

/** What down, ps, logs and the others act on: a project's name, and the project when one loaded. */
export interface ProjectRef {
  readonly name: string;
  readonly project?: Project;
}
