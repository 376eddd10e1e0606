import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEngine, type Engine } from "../../src/runtime/engine.ts";

// A whole engine over its own temporary state and run roots. Disposing it removes every
// container it holds (by its own records), closes it and deletes its roots: nothing stays.
export interface EngineEnv {
  readonly engine: Engine;
  readonly stateRoot: string;
  readonly runRoot: string;
  reopen(): Promise<Engine>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface EngineRoots {
  readonly base: string;
  readonly stateRoot: string;
  readonly runRoot: string;
}

export async function makeEngineRoots(): Promise<EngineRoots> {
  const base = await mkdtemp(join(tmpdir(), "tse-"));
  // Short: attach sockets live under it (107-byte limit).
  return { base, stateRoot: join(base, "state"), runRoot: await mkdtemp("/run/tse-") };
}

export async function openEngineEnv(roots?: EngineRoots): Promise<EngineEnv> {
  const { base, stateRoot, runRoot } = roots ?? (await makeEngineRoots());
  const logs: string[] = [];
  const open = () => openEngine({ stateRoot, runRoot, log: (l, m) => logs.push(`${l}: ${m}`) });
  let engine = await open();
  return {
    get engine() {
      return engine;
    },
    stateRoot,
    runRoot,
    async reopen() {
      await engine.close();
      engine = await open();
      return engine;
    },
    async [Symbol.asyncDispose]() {
      for (const c of engine.containers.list()) {
        await engine.containers.remove(c.id, { force: true, volumes: true }).catch((err) => logs.push(`cleanup ${c.id}: ${String(err)}`));
      }
      for (const n of engine.networks.list()) {
        await engine.networks.removeNetwork(n.id).catch(() => undefined);
      }
      await engine.close();
      await rm(base, { recursive: true, force: true });
      await rm(runRoot, { recursive: true, force: true });
    },
  };
}
