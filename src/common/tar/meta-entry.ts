// Records that describe the member after them rather than being one: PAX extended headers ("x",
// "g" for all later members) and GNU long names ("L" for the name, "K" for the link name).
// Formatting only; tar-reader.ts folds them into the next header.
import { formatHeader, padding } from "./header-block.ts";
import { formatPaxRecord } from "./pax.ts";
import type { Typeflag } from "./typeflag.ts";

export interface MetaEntry {
  readonly typeflag: Typeflag;
  readonly name: string;
  readonly data: Buffer;
  readonly mtime?: number;
}

/** Header, data and padding of a meta record. */
export function formatMetaEntry(m: MetaEntry): Buffer {
  // GNU long names are a GNU extension and carry its magic; PAX records are POSIX.
  const format = m.typeflag === "L" || m.typeflag === "K" ? "gnu" : "ustar";
  const header = formatHeader({
    name: m.name,
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: m.data.length,
    mtime: m.mtime ?? 0,
    typeflag: m.typeflag,
    linkname: "",
    uname: "",
    gname: "",
    devmajor: 0,
    devminor: 0,
    format,
  });
  return Buffer.concat([header, m.data, Buffer.alloc(padding(m.data.length))]);
}

/** A local ("x") or global ("g") PAX extended header holding `records` in order. */
export function formatPaxEntry(
  records: Iterable<readonly [string, string | Buffer]>,
  options: { readonly typeflag?: "x" | "g"; readonly name?: string; readonly mtime?: number } = {},
): Buffer {
  const data = Buffer.concat([...records].map(([k, v]) => formatPaxRecord(k, v)));
  return formatMetaEntry({ typeflag: options.typeflag ?? "x", name: options.name ?? "PaxHeaders/x", data, ...(options.mtime !== undefined ? { mtime: options.mtime } : {}) });
}

/** A GNU long name ("L") or long link name ("K") record: the text, NUL-terminated. */
export function formatLongNameEntry(typeflag: "L" | "K", text: string): Buffer {
  return formatMetaEntry({ typeflag, name: "././@LongLink", data: Buffer.from(`${text}\0`) });
}
