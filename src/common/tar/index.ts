// Tar archives: one entry vocabulary, a streaming reader and a streaming writer side by side.
// Image layers and image load read with it; image save, the archive API and cp write with it.
export type { TarEntry, TarEntryType, TarHeader, TarSourceEntry } from "./tar-entry.ts";
export { readTar } from "./tar-reader.ts";
export type { ReadTarOptions } from "./tar-reader.ts";
export type { ByteSource } from "./chunk-reader.ts";
export { writeTar } from "./tar-writer.ts";
export { fileBody, treeEntries } from "./tree-entries.ts";
export { entryComponents, joinComponents } from "./entry-path.ts";
