import { inject } from "vitest";
import { composeScenario } from "../support/compose-scenario.ts";

// The compose scenario on tstack's own engine, started on demand by the tstack command.
composeScenario(inject("registry"), {
  name: "tstack's engine",
  startsOnDemand: true,
  env: (roots) => ({ TSTACK_STATE_ROOT: roots.stateRoot, TSTACK_RUN_ROOT: roots.runRoot }),
});
