import { open, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isElf, parseElf } from "./elf.ts";
import type { ElfObject, FileTree } from "./libraries.ts";

// Walks a directory that will become (part of) an image root and lists its files and the
// dynamic-linking needs of every ELF object in it. Symlinks count as files (the loader
// finds libraries through them) but are not followed.
export async function scanTree(root: string): Promise<FileTree> {
  const files: string[] = [];
  const objects: ElfObject[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        await walk(path);
        continue;
      }
      files.push(path);
      if (e.isFile() && (await startsWithElfMagic(join(root, path)))) {
        const info = parseElf(await readFile(join(root, path)));
        if (info) objects.push({ path, needed: info.needed, runpath: info.runpath, interpreter: info.interpreter });
      }
    }
  };
  await walk("");
  return { files, objects };
}

async function startsWithElfMagic(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && isElf(head);
  } finally {
    await fh.close();
  }
}
