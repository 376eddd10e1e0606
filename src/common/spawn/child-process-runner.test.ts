import { childProcessRunner } from "./child-process-runner.ts";
import { describeProcessRunner } from "./testing/process-runner-conformance.ts";

describeProcessRunner("child-process runner", () => childProcessRunner());
