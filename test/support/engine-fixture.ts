import { afterAll, beforeAll } from "vitest";
import { openEngineEnv, type EngineEnv } from "./engine-env.ts";

// One engine per describe block, with `image` pulled: opened before its tests, disposed (every
// container removed, roots deleted) after them.
export function engineWith(image: string): EngineEnv {
  let env: EngineEnv | undefined;
  beforeAll(async () => {
    env = await openEngineEnv();
    await env.engine.images.pull(image);
  });
  afterAll(async () => {
    await env?.[Symbol.asyncDispose]();
  });
  const current = () => {
    if (!env) throw new Error("the engine is opened in beforeAll");
    return env;
  };
  return {
    get engine() {
      return current().engine;
    },
    get stateRoot() {
      return current().stateRoot;
    },
    get runRoot() {
      return current().runRoot;
    },
    reopen: () => current().reopen(),
    [Symbol.asyncDispose]: () => current()[Symbol.asyncDispose](),
  };
}
