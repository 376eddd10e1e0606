import { readFile, stat } from "node:fs/promises";

// The loader's only view of the filesystem, injected so phases can be tested with in-memory files.
export interface LoaderFs {
  readFile(path: string): Promise<string>;
  // True when `path` is an existing regular file (not a directory).
  exists(path: string): Promise<boolean>;
}

export const nodeLoaderFs: LoaderFs = {
  readFile: (path) => readFile(path, "utf8"),
  exists: async (path) => {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
};

// An in-memory LoaderFs for tests and for callers that already hold file contents.
export function memoryLoaderFs(files: Readonly<Record<string, string>>): LoaderFs {
  return {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });
      }
      return text;
    },
    exists: async (path) => Object.hasOwn(files, path),
  };
}
