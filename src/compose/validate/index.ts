import type { LoadedTreeLike } from "./input.ts";
import { composeSchemaValidator } from "./compose-schema.ts";
import { checkOf, type SchemaCheck } from "./schema-validator.ts";
import { validateWith, type ValidateOptions, type ValidationResult } from "./validate-tree.ts";

export { ComposeValidationError } from "./compose-validation-error.ts";
export { formatPath } from "./input.ts";
export type { LoadedTreeLike, SourcePosition, TreePath } from "./input.ts";
export type { SchemaCheck, SchemaViolation } from "./schema-validator.ts";
export { UNSUPPORTED_KEYS } from "./unsupported-keys.ts";
export type { ValidateOptions, ValidationResult } from "./validate-tree.ts";

let compiled: SchemaCheck | undefined;

/**
 * Validates a loaded compose tree against schema/compose-spec.json and the consistency rules.
 * The built command line carries the schema compiled at build time; run from the sources, it is
 * compiled on first use and kept (~0.3 s; the schema is static).
 * Pass `fileExists` (e.g. fs.existsSync) to check required env files.
 */
export function validateTree(input: LoadedTreeLike, opts: ValidateOptions = {}): ValidationResult {
  compiled ??= checkOf(composeSchemaValidator());
  return validateWith(compiled, input, opts);
}
