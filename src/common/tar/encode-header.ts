// A member's header as POSIX pax writes it: a ustar block, preceded by a PAX extended header
// when ustar cannot hold a field (long or non-ASCII names, large or negative numbers,
// fractional mtimes, xattrs). Pure.
import { compareStrings } from "../compare-strings.ts";
import { invalidArgument } from "../errors.ts";
import { fitsOctal, formatHeader, splitUstarName } from "./header-block.ts";
import { formatPaxEntry } from "./meta-entry.ts";
import type { TarSourceEntry } from "./tar-entry.ts";
import { typeflagOf } from "./typeflag.ts";

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/** The header block(s) of one member; a file's `size` is taken as given (0 when absent). */
export function encodeHeader(h: Omit<TarSourceEntry, "body">): Buffer {
  if (h.name.length === 0) throw invalidArgument("tar entry with an empty name");
  const pax: [string, string | Buffer][] = [];
  const name = h.type === "dir" && !h.name.endsWith("/") ? `${h.name}/` : h.name;
  const split = isAscii(name) ? splitUstarName(name) : undefined;
  if (!split) pax.push(["path", name]);
  const linkname = h.linkname ?? "";
  const linkFits = isAscii(linkname) && Buffer.byteLength(linkname) <= 100;
  if (!linkFits) pax.push(["linkpath", linkname]);
  // A number octal cannot hold goes to PAX; the header field then holds 0.
  const num = (key: string, v: number, width: number): number => {
    if (fitsOctal(Math.floor(v), width)) return v;
    pax.push([key, String(v)]);
    return 0;
  };
  const uid = num("uid", h.uid ?? 0, 8);
  const gid = num("gid", h.gid ?? 0, 8);
  const size = num("size", h.type === "file" ? (h.size ?? 0) : 0, 12);
  const mtime = h.mtime ?? 0;
  const mtimeExact = Number.isInteger(mtime) && fitsOctal(mtime, 12);
  if (!mtimeExact) pax.push(["mtime", mtime.toFixed(9).replace(/\.?0+$/, "")]);
  const mtimeField = fitsOctal(Math.floor(mtime), 12) ? mtime : 0;
  const uname = h.uname ?? "";
  const gname = h.gname ?? "";
  if (!isAscii(uname) || uname.length > 31) pax.push(["uname", uname]);
  if (!isAscii(gname) || gname.length > 31) pax.push(["gname", gname]);
  const xattrs = [...(h.xattrs ?? new Map<string, Buffer>())].sort(([a], [b]) => compareStrings(a, b));
  for (const [k, v] of xattrs) pax.push([`SCHILY.xattr.${k}`, v]);
  const main = formatHeader({
    name: split ? name : name.slice(0, 100),
    mode: (h.mode ?? (h.type === "dir" ? 0o755 : 0o644)) & 0o7777,
    uid,
    gid,
    size,
    mtime: mtimeField,
    typeflag: typeflagOf(h.type),
    linkname: linkFits ? linkname : linkname.slice(0, 100),
    uname: isAscii(uname) ? uname.slice(0, 31) : "",
    gname: isAscii(gname) ? gname.slice(0, 31) : "",
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
    format: "ustar",
  });
  if (pax.length === 0) return main;
  const paxName = `PaxHeaders/${(split?.name ?? name).slice(0, 80)}`.slice(0, 100);
  return Buffer.concat([formatPaxEntry(pax, { name: paxName, mtime: mtimeField }), main]);
}
