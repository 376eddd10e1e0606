import { invalidArgument } from "../../common/errors.ts";

// Docker's restart policies and backoff, as pure decisions the engine acts on.

export type RestartPolicy =
  | { readonly name: "no" }
  | { readonly name: "always" }
  | { readonly name: "unless-stopped" }
  | { readonly name: "on-failure"; readonly maximumRetryCount: number };

export function parseRestartPolicy(s: string): RestartPolicy {
  const [name, max] = s.split(":");
  switch (name) {
    case "":
    case "no":
      if (max !== undefined) break;
      return { name: "no" };
    case "always":
    case "unless-stopped":
      if (max !== undefined) break;
      return { name };
    case "on-failure": {
      if (max === undefined) return { name, maximumRetryCount: 0 };
      if (/^\d+$/.test(max)) return { name, maximumRetryCount: Number(max) };
      break;
    }
  }
  throw invalidArgument(`invalid restart policy ${JSON.stringify(s)}: use no, always, unless-stopped or on-failure[:max-retries]`);
}

export interface ExitFacts {
  readonly exitCode: number;
  /** The user (or the engine on their behalf) stopped or killed it: no restart. */
  readonly explicitlyStopped: boolean;
  readonly restartCount: number;
  /** The engine itself is starting up: `unless-stopped` and `always` containers come back. */
  readonly daemonStart?: boolean;
}

export function shouldRestart(policy: RestartPolicy, f: ExitFacts): boolean {
  if (f.explicitlyStopped) return false;
  switch (policy.name) {
    case "no":
      return false;
    case "always":
    case "unless-stopped":
      return true;
    case "on-failure":
      if (f.exitCode === 0) return false;
      return policy.maximumRetryCount === 0 || f.restartCount < policy.maximumRetryCount;
    default: {
      const never: never = policy;
      return never;
    }
  }
}

const INITIAL_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

/**
 * Docker's backoff: the delay doubles from 100 ms with each quick failure, up to a minute,
 * and goes back to 100 ms once the container ran for 10 s.
 */
export function nextRestartDelay(previousDelayMs: number, ranForMs: number): number {
  if (ranForMs >= RESET_AFTER_MS || previousDelayMs <= 0) return INITIAL_DELAY_MS;
  return Math.min(previousDelayMs * 2, MAX_DELAY_MS);
}
