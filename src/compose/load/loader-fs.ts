import { readFile, stat } from "node:fs";

// The loader's only view of the filesystem, injected so phases can be tested with in-memory files.
export interface LoaderFs {
  readFile(path: string): Promise<string>;
  // True when `path` is an existing regular file (not a directory).
  exists(path: string): Promise<boolean>;
}

// node:fs's callbacks rather than node:fs/promises, whose first load costs ~3 ms of every
// command's start (this module is on the path of a cached project too, for env_file reads).
export const nodeLoaderFs: LoaderFs = {
  readFile: (path) => new Promise((resolve, reject) => readFile(path, "utf8", (err, text) => (err ? reject(err) : resolve(text)))),
  exists: (path) => new Promise((resolve) => stat(path, (err, st) => resolve(err === null && st.isFile()))),
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
