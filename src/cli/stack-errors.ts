import { PlanExecutionError } from "../compose/execute/index.ts";
import { ComposeLoadError } from "../compose/load/errors.ts";
import { categorize } from "./cli-errors.ts";

/**
 * A stack operation's failure with the exit code docker compose gives it: 18 for a failed pull,
 * 15 for an invalid project (a missing env_file). Other errors pass unchanged.
 */
export function categorizeStackError(err: unknown): unknown {
  if (err instanceof PlanExecutionError && err.node.op.kind === "pull-image") return categorize("pull", err);
  if (err instanceof ComposeLoadError) return categorize("compose-invalid", err);
  return err;
}

/** Runs a stack operation, its failure categorised for the exit code. */
export async function stackCall<T>(op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (err) {
    throw categorizeStackError(err);
  }
}
