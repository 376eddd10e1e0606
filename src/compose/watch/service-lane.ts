import type { FileChange } from "./batcher.ts";

/** Why a container is converged: the watch started (rules with initial_sync), or the container (re)started (every sync rule). */
export type ConvergeReason = "initial" | "start";

export interface LaneSteps {
  /** Applies the service's share of changes (routed, then executed). */
  apply(changes: readonly FileChange[]): Promise<void>;
  /** Brings these containers in line with the host. */
  converge(containers: ReadonlyMap<string, ConvergeReason>): Promise<void>;
  /** One line about a step that failed; the lane goes on. */
  failed(what: "changes" | "convergence", err: unknown): void;
}

/**
 * One service's work, one step at a time, so that a sync never races a restart of the same
 * container. What arrives while a step runs is merged: changes per path (last state wins) and
 * containers to converge, so a slow restart is followed by one more step, not a queue of them.
 * Changes go first: they are what the user is waiting for.
 */
export class ServiceLane {
  readonly #steps: LaneSteps;
  #changes = new Map<string, FileChange>();
  #converge = new Map<string, ConvergeReason>();
  #running: Promise<void> | undefined;

  constructor(steps: LaneSteps) {
    this.#steps = steps;
  }

  push(changes: readonly FileChange[]): void {
    for (const c of changes) {
      this.#changes.delete(c.path);
      this.#changes.set(c.path, c);
    }
    this.#kick();
  }

  convergeContainers(ids: readonly string[], reason: ConvergeReason): void {
    for (const id of ids) if (this.#converge.get(id) !== "start") this.#converge.set(id, reason);
    this.#kick();
  }

  /** Resolves once nothing is pending or running. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  async #drain(): Promise<void> {
    for (;;) {
      await Promise.resolve(); // let a burst of pushes land before the first step
      if (this.#changes.size > 0) {
        const changes = [...this.#changes.values()];
        this.#changes = new Map();
        await this.#steps.apply(changes).catch((err: unknown) => this.#steps.failed("changes", err));
      } else if (this.#converge.size > 0) {
        const containers = this.#converge;
        this.#converge = new Map();
        await this.#steps.converge(containers).catch((err: unknown) => this.#steps.failed("convergence", err));
      } else return;
    }
  }
}
