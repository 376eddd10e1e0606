import { errorAt } from "./compose-validation-error.ts";
import type { LoadedTreeLike } from "./input.ts";
import type { SchemaCheck } from "./schema-validator.ts";
import { checkSemantics, type SemanticOptions } from "./semantic-checks.ts";
import { unsupportedKeyWarnings, type UnsupportedKeyOptions } from "./unsupported-keys.ts";

export interface ValidateOptions extends SemanticOptions, UnsupportedKeyOptions {}

export interface ValidationResult {
  readonly warnings: readonly string[];
}

/**
 * Schema first (so the semantic checks can trust shapes), then consistency rules.
 * Throws ComposeValidationError; returns warnings for accepted-but-unimplemented keys.
 */
export function validateWith(schema: SchemaCheck, input: LoadedTreeLike, opts: ValidateOptions = {}): ValidationResult {
  const violation = schema(input.tree);
  if (violation) throw errorAt(input, violation.path, violation.message);
  checkSemantics(input, opts);
  return { warnings: unsupportedKeyWarnings(input.tree, opts) };
}
