// The process seam of the network code (CNI plugins, ip, iptables, unshare, umount, ss). Unlike the
// snapshot runner it passes an environment and returns failed exits as data: a CNI plugin reports
// its error as JSON on stdout with a non-zero exit, which the caller must read.
import { execa } from "execa";

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly input?: string;
  /** Replaces the child's environment entirely (CNI plugins must not inherit stray CNI_* vars). */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface CommandRunner {
  /** Resolves with the exit code for any exit; rejects only when the program cannot be started. */
  run(file: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

export function execaCommandRunner(): CommandRunner {
  return {
    async run(file, args, options = {}) {
      const r = await execa(file, [...args], {
        reject: false,
        input: options.input ?? "",
        ...(options.env !== undefined ? { env: options.env, extendEnv: false } : {}),
        ...(options.signal !== undefined ? { cancelSignal: options.signal } : {}),
        stripFinalNewline: false,
      });
      if (r.failed && r.exitCode === undefined) throw r;
      return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
  };
}

/** Runs a command that must succeed; the error names the command and carries its stderr. */
export async function runOk(runner: CommandRunner, file: string, args: readonly string[], options?: CommandOptions): Promise<string> {
  const r = await runner.run(file, args, options);
  if (r.exitCode !== 0) {
    throw new Error(`${file} ${args.join(" ")} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}
