// Docker's exit codes for a container that could not start: 127 when the command is not
// found, 126 when it cannot be run, 128 for anything else the runtime refused.
export function startFailureExitCode(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|not executable|exec format error/i.test(message)) return 126;
  return 128;
}
