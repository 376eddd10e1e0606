import { rm, writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { serializeJson, type ImageHealthcheck, type OciSpec } from "../spec/index.ts";
import type { ContainerState } from "./container-record.ts";
import { applyProbe, effectiveHealthcheck, initialHealth, nextProbeDelay, type HealthConfig } from "./health-state.ts";
import { execProcess } from "./probe-process.ts";
import type { OciRuntime } from "./runc.ts";

// Runs each running container's healthcheck probe on its schedule, as the engine's job
// (so it goes on when no client is attached), and hands every result to `onResult`.

export interface HealthMonitorDeps {
  readonly runtime: OciRuntime;
  readonly bundleOf: (id: string) => string;
  readonly now: () => Date;
  readonly onResult: (id: string, update: (s: ContainerState) => ContainerState | undefined) => Promise<void>;
}

export class HealthMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly d: HealthMonitorDeps) {}

  static config(image?: ImageHealthcheck, override?: ImageHealthcheck): HealthConfig | undefined {
    return effectiveHealthcheck(image, override);
  }

  start(id: string, cfg: HealthConfig): void {
    this.stop(id);
    const startedAt = this.d.now().getTime();
    const inStart = () => this.d.now().getTime() - startedAt < cfg.startPeriodMs;
    const tick = async () => {
      if (!this.timers.has(id)) return;
      const result = await this.probe(id, cfg);
      if (!this.timers.has(id)) return;
      const during = inStart();
      await this.d.onResult(id, (s) => ({ ...s, health: applyProbe(s.health ?? initialHealth(), result, cfg, during) }));
      this.schedule(id, nextProbeDelay(cfg, inStart()), tick);
    };
    this.schedule(id, nextProbeDelay(cfg, cfg.startPeriodMs > 0), tick);
  }

  private schedule(id: string, ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => void fn().catch(() => undefined), ms);
    t.unref();
    this.timers.set(id, t);
  }

  private async probe(id: string, cfg: HealthConfig) {
    const start = this.d.now().toISOString();
    const bundle = this.d.bundleOf(id);
    const file = join(bundle, `probe-${process.hrtime.bigint()}.json`);
    try {
      const spec = JSON.parse(await readFile(join(bundle, "config.json"), "utf8")) as OciSpec;
      await writeFile(file, serializeJson(execProcess(spec, { args: cfg.test })));
      const r = await this.d.runtime.run(id, file, cfg.timeoutMs);
      const output = r.timedOut ? `Health check exceeded timeout (${cfg.timeoutMs}ms)` : r.output;
      return { start, end: this.d.now().toISOString(), exitCode: r.timedOut ? -1 : r.exitCode, output };
    } catch (err) {
      return { start, end: this.d.now().toISOString(), exitCode: -1, output: String(err) };
    } finally {
      await rm(file, { force: true });
    }
  }

  stop(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.timers.keys()]) this.stop(id);
  }
}
