import type { ValidateFunction } from "ajv/dist/2020.js";
import { compileValidator } from "./schema-compile.ts";

// The compose schema's validate function. The build (scripts/build/build.ts) replaces this whole
// module with the schema compiled ahead of time (standalone-source.ts), which leaves ajv's
// compiler out of the command line; from the sources it is compiled on first use.
let compiled: ValidateFunction | undefined;

export function composeSchemaValidator(): ValidateFunction {
  compiled ??= compileValidator();
  return compiled;
}
