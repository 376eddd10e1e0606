// The typeflag byte of a header and the entry type it stands for. Pure.
import { invalidArgument, unimplemented } from "../errors.ts";
import type { TarEntryType } from "./tar-entry.ts";

/** The raw typeflag byte as a one-character string ("0", "5", "x", "L", "\0", …). */
export type Typeflag = string;

const TYPEFLAGS: Readonly<Record<TarEntryType, Typeflag>> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  char: "3",
  block: "4",
  dir: "5",
  fifo: "6",
};

/** What a writer puts in the typeflag field. */
export const typeflagOf = (type: TarEntryType): Typeflag => TYPEFLAGS[type];

/** The entry type of a member's typeflag; throws for what tstack cannot represent. */
export function entryTypeOf(typeflag: Typeflag, name: string): TarEntryType {
  switch (typeflag) {
    case "0":
    case "7": // contiguous file: a regular file everywhere that matters
      return "file";
    case "\0":
      // Pre-POSIX archives mark directories only by a trailing slash.
      return name.endsWith("/") ? "dir" : "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "3":
      return "char";
    case "4":
      return "block";
    case "5":
      return "dir";
    case "6":
      return "fifo";
    case "S":
      throw unimplemented(`GNU sparse file ${JSON.stringify(name)} is not supported`);
    default:
      throw invalidArgument(`tar entry ${JSON.stringify(name)} has unsupported type ${JSON.stringify(typeflag)}`);
  }
}
