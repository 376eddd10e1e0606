import type { ImageHealthcheck } from "../spec/index.ts";
import type { HealthResult, HealthState } from "./container-record.ts";

// Docker's healthcheck semantics as pure functions: the effective config (image then
// overrides, zero meaning "default"), and the state after one probe result.

export interface HealthConfig {
  readonly test: readonly string[]; // argv to exec
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly startPeriodMs: number;
  readonly startIntervalMs: number;
  readonly retries: number;
}

const NS_PER_MS = 1_000_000;
const DEFAULTS = { interval: 30_000, timeout: 30_000, startPeriod: 0, startInterval: 5_000, retries: 3 };

/** undefined: no healthcheck (none in the image, or `NONE`). */
export function effectiveHealthcheck(image?: ImageHealthcheck, override?: ImageHealthcheck): HealthConfig | undefined {
  const test = override?.Test && override.Test.length > 0 ? override.Test : image?.Test;
  if (!test || test.length === 0 || test[0] === "NONE") return undefined;
  const pick = (k: keyof Omit<ImageHealthcheck, "Test">) => (override?.[k] || image?.[k] || 0) as number;
  let argv: readonly string[];
  switch (test[0]) {
    case "CMD":
      argv = test.slice(1);
      break;
    case "CMD-SHELL":
      argv = ["/bin/sh", "-c", test.slice(1).join(" ")];
      break;
    default:
      // Docker treats a bare list like CMD-SHELL's single string form only via the API's "CMD-SHELL"; a bare list is argv.
      argv = test;
  }
  if (argv.length === 0) return undefined;
  const ms = (ns: number, d: number) => (ns > 0 ? Math.round(ns / NS_PER_MS) : d);
  return {
    test: argv,
    intervalMs: ms(pick("Interval"), DEFAULTS.interval),
    timeoutMs: ms(pick("Timeout"), DEFAULTS.timeout),
    startPeriodMs: ms(pick("StartPeriod"), DEFAULTS.startPeriod),
    startIntervalMs: ms(pick("StartInterval"), DEFAULTS.startInterval),
    retries: pick("Retries") || DEFAULTS.retries,
  };
}

export function initialHealth(): HealthState {
  return { status: "starting", failingStreak: 0, log: [] };
}

/**
 * Applies one probe result. Failures during the start period do not count (unless the
 * container was already healthy), a success makes it healthy at once, `retries`
 * consecutive failures make it unhealthy.
 */
export function applyProbe(state: HealthState, result: HealthResult, cfg: HealthConfig, inStartPeriod: boolean): HealthState {
  const log = [...state.log, result].slice(-5);
  if (result.exitCode === 0) return { status: "healthy", failingStreak: 0, log };
  if (inStartPeriod && state.status === "starting") return { ...state, log };
  const failingStreak = state.failingStreak + 1;
  return { status: failingStreak >= cfg.retries ? "unhealthy" : state.status, failingStreak, log };
}

/** The next probe comes after start_interval during the start period, else after interval. */
export function nextProbeDelay(cfg: HealthConfig, inStartPeriod: boolean): number {
  return inStartPeriod ? cfg.startIntervalMs : cfg.intervalMs;
}
