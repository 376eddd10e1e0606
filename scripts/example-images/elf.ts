// Reads the dynamic-linking facts of an ELF file (needed sonames, its own soname,
// run paths, interpreter) straight from its headers: the image assembler must know which
// shared libraries a Debian package's binaries load without running them, and without
// relying on binutils being installed on the machine that builds the example.

export interface ElfDynamicInfo {
  readonly needed: readonly string[];
  readonly soname: string | undefined;
  readonly runpath: readonly string[]; // DT_RUNPATH, else DT_RPATH, split on ':'
  readonly interpreter: string | undefined; // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

// Returns undefined for anything that is not a well-formed ELF file; a static binary
// gives empty lists (it has no PT_DYNAMIC).
export function parseElf(buf: Buffer): ElfDynamicInfo | undefined {
  if (buf.length < 52 || !isElf(buf)) return undefined;
  const is64 = buf[4] === 2;
  const little = buf[5] === 1;
  if (!is64 && buf[4] !== 1) return undefined;
  const u16 = (o: number) => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(little ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o));
  const inRange = (o: number, len: number) => o >= 0 && len >= 0 && o + len <= buf.length;
  try {
    const phoff = is64 ? word(0x20) : u32(0x1c);
    const phentsize = u16(is64 ? 0x36 : 0x2a);
    const phnum = u16(is64 ? 0x38 : 0x2c);
    const segments: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      if (!inRange(p, is64 ? 56 : 32)) return undefined;
      segments.push(
        is64
          ? { type: u32(p), offset: word(p + 8), vaddr: word(p + 16), filesz: word(p + 32) }
          : { type: u32(p), offset: u32(p + 4), vaddr: u32(p + 8), filesz: u32(p + 16) },
      );
    }
    const interp = segments.find((s) => s.type === PT_INTERP);
    const interpreter = interp && inRange(interp.offset, interp.filesz) ? cString(buf, interp.offset) : undefined;
    const dyn = segments.find((s) => s.type === PT_DYNAMIC);
    if (!dyn) return { needed: [], soname: undefined, runpath: [], interpreter };
    const entSize = is64 ? 16 : 8;
    const entries: { tag: number; val: number }[] = [];
    for (let o = dyn.offset; o + entSize <= dyn.offset + dyn.filesz && inRange(o, entSize); o += entSize) {
      const tag = is64 ? word(o) : u32(o);
      if (tag === DT_NULL) break;
      entries.push({ tag, val: is64 ? word(o + 8) : u32(o + 4) });
    }
    const strtabAddr = entries.find((e) => e.tag === DT_STRTAB)?.val;
    if (strtabAddr === undefined) return undefined;
    // DT_STRTAB holds a virtual address; the loadable segment containing it maps it to a file offset.
    const load = segments.find((s) => s.type === PT_LOAD && s.vaddr <= strtabAddr && strtabAddr < s.vaddr + s.filesz);
    if (!load) return undefined;
    const strtab = strtabAddr - load.vaddr + load.offset;
    const str = (off: number) => cString(buf, strtab + off);
    const runpathEntry = entries.find((e) => e.tag === DT_RUNPATH) ?? entries.find((e) => e.tag === DT_RPATH);
    const sonameEntry = entries.find((e) => e.tag === DT_SONAME);
    return {
      needed: entries.filter((e) => e.tag === DT_NEEDED).map((e) => str(e.val)),
      soname: sonameEntry ? str(sonameEntry.val) : undefined,
      runpath: runpathEntry ? str(runpathEntry.val).split(":").filter(Boolean) : [],
      interpreter,
    };
  } catch (err) {
    // Truncated or corrupt headers read past the buffer: not an ELF we can use.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

function cString(buf: Buffer, offset: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString("utf8", offset, end < 0 ? buf.length : end);
}
