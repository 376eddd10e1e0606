// The text format of `getfattr --dump` / `setfattr --restore`, which lets one setfattr process
// set every extended attribute of a layer (Node has no setxattr). Pure.
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
