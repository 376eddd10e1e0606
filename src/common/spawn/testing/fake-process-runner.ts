// A ProcessRunner for unit tests (test-only; left out of the build): it records every call and
// answers from a function, with the real runners' exit-status rule (a failed exit rejects with
// ProcessExitError unless the call allows failure), so callers are tested as they run for real.
import { checkExit, type PipedProcess, type ProcessRunner, type RunOptions, type RunResult } from "../process-runner.ts";

export interface FakeCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: RunOptions;
}

/** stdout as a string; a partial result (exit 0, empty output by default); or an Error to reject with (a SpawnFailure: the program cannot start). */
export type FakeAnswer = string | Partial<RunResult> | Error;

export interface FakeProcessRunner extends ProcessRunner {
  readonly calls: FakeCall[];
  /** Each call as one command line: "file arg1 arg2". */
  commands(): string[];
}

export function fakeProcessRunner(
  respond: (call: FakeCall) => FakeAnswer | Promise<FakeAnswer> = () => "",
  pipe?: (file: string, args: readonly string[]) => PipedProcess,
): FakeProcessRunner {
  const calls: FakeCall[] = [];
  return {
    calls,
    commands: () => calls.map((c) => [c.file, ...c.args].join(" ")),
    async run(file, args, options = {}) {
      options.signal?.throwIfAborted();
      const call = { file, args: [...args], options };
      calls.push(call);
      const answer = await respond(call);
      if (answer instanceof Error) throw answer;
      const r: RunResult = { exitCode: 0, stdout: "", stderr: "", timedOut: false, ...(typeof answer === "string" ? { stdout: answer } : answer) };
      return checkExit(file, args, r, options);
    },
    pipe(file, args) {
      if (!pipe) throw new Error(`fakeProcessRunner: pipe is not faked (${file} ${args.join(" ")})`);
      return pipe(file, args);
    },
  };
}
