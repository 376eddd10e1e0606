import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { checkOf, type SchemaCheck } from "./schema-validator.ts";

// Compiling the compose schema with ajv's compiler: at run time when tstack runs from its
// sources, at build time (standalone-source.ts) for the built command line.

/** The options the schema is compiled with, at run time and at build time alike. */
export const AJV_OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true } as const;

// The schema sits at <package root>/schema; the package root is the nearest directory with a
// package.json above this module.
export function defaultSchemaUrl(from: string = import.meta.url, exists: (p: string) => boolean = existsSync): URL {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (exists(join(dir, "package.json"))) return pathToFileURL(join(dir, "schema", "compose-spec.json"));
    const up = dirname(dir);
    if (up === dir) return new URL("../../../schema/compose-spec.json", from);
    dir = up;
  }
}

export function loadSchema(url: URL = defaultSchemaUrl()): object {
  return JSON.parse(readFileSync(url, "utf8")) as object;
}

export function compileValidator(schema: object = loadSchema()): ValidateFunction {
  return new Ajv2020(AJV_OPTIONS).compile(schema);
}

/** Compiles the compose schema; the returned check is pure and reusable. */
export function compileComposeSchema(schema?: object): SchemaCheck {
  return checkOf(compileValidator(schema));
}
