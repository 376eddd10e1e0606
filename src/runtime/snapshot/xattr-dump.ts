// The text format of `getfattr --dump` / `setfattr --restore`: one setfattr process sets every
// extended attribute of a layer, one getfattr process reads those of many files (Node has no
// xattr calls). Both directions here. Pure.
import type { XattrSet } from "./layer-tree.ts";

// setfattr unquotes "\ooo" octal escapes in paths and names; escaping every byte outside
// printable ASCII (and "\", "=") keeps newlines and non-UTF-8 names intact.
export function quoteDumpField(value: string): string {
  const bytes = Buffer.from(value, "utf8");
  let out = "";
  for (const b of bytes) {
    if (b <= 0x20 || b >= 0x7f || b === 0x5c || b === 0x3d) out += `\\${b.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/** Values are hex-encoded ("0x…"), so binary values such as security.capability survive. */
export function formatXattrDump(sets: readonly XattrSet[]): string {
  const parts: string[] = [];
  for (const s of sets) {
    let block = `# file: ${quoteDumpField(s.path)}\n`;
    for (const [name, value] of s.xattrs) block += `${quoteDumpField(name)}=0x${value.toString("hex")}\n`;
    parts.push(block);
  }
  return parts.join("\n");
}

/** Parses `getfattr -d -e hex` output: path → (attribute name → encoded value, e.g. "0x79"). */
export function parseGetfattrDump(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("# file: ")) {
      current = new Map();
      out.set(unquoteDumpField(line.slice("# file: ".length)), current);
    } else if (line !== "" && !line.startsWith("#") && current) {
      const eq = line.indexOf("=");
      // An attribute without a value prints as its bare name.
      if (eq < 0) current.set(unquoteDumpField(line), "");
      else current.set(unquoteDumpField(line.slice(0, eq)), line.slice(eq + 1));
    }
  }
  return out;
}

/** The bytes of a value as `getfattr -e hex` prints it ("0x…", or "" for an empty value). */
export function decodeDumpValue(value: string): Buffer {
  if (value === "") return Buffer.alloc(0);
  if (!/^0x([0-9a-fA-F]{2})*$/.test(value)) throw new Error(`unexpected getfattr value ${JSON.stringify(value)}: expected hex`);
  return Buffer.from(value.slice(2), "hex");
}

// getfattr writes bytes outside printable ASCII (and "\", "=") as "\ooo" octal escapes; the
// bytes are UTF-8 of the path, so decode after unescaping, not before.
export function unquoteDumpField(field: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const m = field[i] === "\\" ? /^[0-7]{3}/.exec(field.slice(i + 1)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(field[i] as string, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
