import { posix } from "node:path";

// Which shared libraries a set of file trees needs and does not provide, decided the way
// the dynamic loader would look for them (default directories without an ld.so.cache, plus
// each object's RUNPATH). Pure: the trees come from scan-tree.ts or from a package listing.

export interface ElfObject {
  readonly path: string; // absolute inside the image, e.g. /usr/bin/node
  readonly needed: readonly string[];
  readonly runpath: readonly string[];
  readonly interpreter: string | undefined;
}

export interface FileTree {
  readonly files: readonly string[]; // every non-directory entry, absolute inside the image
  readonly objects: readonly ElfObject[];
}

export interface MissingLibrary {
  readonly name: string; // a soname, or an interpreter path
  readonly neededBy: readonly string[];
}

const FIXED_DIRS = ["/lib", "/usr/lib", "/lib64", "/usr/lib64"];
// Debian's loader also searches the multiarch directories, e.g. /usr/lib/x86_64-linux-gnu.
const MULTIARCH = /^\/(usr\/)?lib\/[^/]+-linux-[^/]+$/;

export function librarySearchDirs(files: Iterable<string>): readonly string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const d = posix.dirname(f);
    if (MULTIARCH.test(d)) dirs.add(d);
  }
  return [...[...dirs].sort(), ...FIXED_DIRS];
}

function expandRunpath(entry: string, objectPath: string): string {
  return posix.normalize(entry.replace(/\$(ORIGIN|\{ORIGIN\})/g, posix.dirname(objectPath)));
}

export function missingLibraries(trees: readonly FileTree[]): readonly MissingLibrary[] {
  const files = new Set(trees.flatMap((t) => t.files));
  const dirs = librarySearchDirs(files);
  const missing = new Map<string, string[]>();
  const note = (name: string, by: string) => missing.set(name, [...(missing.get(name) ?? []), by]);
  for (const obj of trees.flatMap((t) => t.objects)) {
    if (obj.interpreter !== undefined && !files.has(obj.interpreter)) note(obj.interpreter, obj.path);
    const own = obj.runpath.map((r) => expandRunpath(r, obj.path));
    for (const soname of obj.needed) {
      const found = soname.includes("/") ? files.has(soname) : [...own, ...dirs].some((d) => files.has(`${d}/${soname}`));
      if (!found) note(soname, obj.path);
    }
  }
  return [...missing].sort(([a], [b]) => a.localeCompare(b)).map(([name, neededBy]) => ({ name, neededBy }));
}

// Which of the missing names a package's files would supply, were it added to the image.
export function suppliedBy(packageFiles: readonly string[], missing: readonly MissingLibrary[], imageFiles: Iterable<string>): readonly string[] {
  const dirs = librarySearchDirs([...imageFiles, ...packageFiles]);
  const own = new Set(packageFiles);
  return missing
    .map((m) => m.name)
    .filter((name) => (name.startsWith("/") ? own.has(name) : dirs.some((d) => own.has(`${d}/${name}`))));
}
