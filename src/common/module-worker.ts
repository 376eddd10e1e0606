import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on the module `name` beside the caller (`callerUrl` = import.meta.url).
 * Built, every module is bundled into dist/cli/, where the build writes each worker as its own
 * entry `<name>.js`; from the sources (tsx, vitest) the worker loads `<name>.ts` through tsx.
 */
export function startModuleWorker(callerUrl: string, name: string): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl));
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  // The ESM build of tsx's API: its CommonJS build cannot register from an eval'd worker script.
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}
