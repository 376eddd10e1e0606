import type { OciSpec } from "./oci-types.ts";

// JSON.stringify cannot write a bigint (and silently turns Infinity into null), yet
// config.json needs exact uint64 rlimits such as 18446744073709551615. This writer
// emits bigints as bare integers and refuses non-finite numbers instead of corrupting them.
export function serializeSpec(spec: OciSpec): string {
  return serializeJson(spec);
}

/** The same writer for any document holding bigints (an exec's process.json). */
export function serializeJson(value: unknown): string {
  return `${writeValue(value, "", "$")}\n`;
}

function writeValue(value: unknown, indent: string, where: string): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`serializeSpec: ${where} is not a finite number (${value})`);
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      const inner = `${indent}  `;
      if (Array.isArray(value)) {
        if (value.length === 0) return "[]";
        const items = value.map((v, i) => `${inner}${writeValue(v, inner, `${where}[${i}]`)}`);
        return `[\n${items.join(",\n")}\n${indent}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (entries.length === 0) return "{}";
      const items = entries.map(
        ([k, v]) => `${inner}${JSON.stringify(k)}: ${writeValue(v, inner, `${where}.${k}`)}`,
      );
      return `{\n${items.join(",\n")}\n${indent}}`;
    }
    default:
      throw new TypeError(`serializeSpec: ${where} has unserialisable type ${typeof value}`);
  }
}
