import type { LoadedTreeLike } from "./input.ts";
import { compileComposeSchema, type SchemaCheck } from "./schema-validator.ts";
import { validateWith, type ValidateOptions, type ValidationResult } from "./validate-tree.ts";

export { ComposeValidationError } from "./compose-validation-error.ts";
export { formatPath } from "./input.ts";
export type { LoadedTreeLike, SourcePosition, TreePath } from "./input.ts";
export { compileComposeSchema } from "./schema-validator.ts";
export type { SchemaCheck, SchemaViolation } from "./schema-validator.ts";
export { UNSUPPORTED_KEYS } from "./unsupported-keys.ts";
export type { ValidateOptions, ValidationResult } from "./validate-tree.ts";

let compiled: SchemaCheck | undefined;

/**
 * Validates a loaded compose tree against schema/compose-spec.json and the consistency rules.
 * The schema is compiled on first use and kept (compilation costs ~100 ms; the schema is static).
 * Pass `fileExists` (e.g. fs.existsSync) to check required env files.
 */
export function validateTree(input: LoadedTreeLike, opts: ValidateOptions = {}): ValidationResult {
  compiled ??= compileComposeSchema();
  return validateWith(compiled, input, opts);
}
