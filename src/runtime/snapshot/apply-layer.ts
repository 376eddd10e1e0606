// Unpacking one OCI layer (a tar stream, possibly compressed) into a fresh directory in
// overlayfs form, computing its diffID on the way.
//
// Why mostly synchronous fs calls: decompression runs on the libuv thread pool and hashing is
// cheap, so the main thread's job is a long series of tiny syscalls (open, write, fchown, fchmod,
// futimes, close). Sync calls cost one syscall each; the promise API adds a thread-pool round trip
// per call. Measured: on a par with `tar -xzf` (619 MB /usr tar, 17.9k entries; 506 MB tar of
// 43k small files; tmpfs target). The event loop still turns between source chunks, so the
// engine stays responsive.
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants as fsc,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { conflict, TstackError } from "../../common/errors.ts";
import { decompress, type Compression } from "./decompress.ts";
import { LayerTree, type Action } from "./layer-tree.ts";
import { execaRunner, type ProcessRunner } from "./process-runner.ts";
import { readTar, type ByteSource, type TarEntry, type TarHeader } from "./tar-reader.ts";
import { formatXattrDump } from "./xattr-dump.ts";

export interface ApplyProgress {
  /** Bytes read from `source` (compressed, as downloaded). */
  readonly compressedBytes: number;
  /** Bytes of the tar stream so far. */
  readonly uncompressedBytes: number;
  readonly entries: number;
}

export interface ApplyLayerOptions {
  /** The layer blob as stored: gzip, zstd or plain tar. A Node Readable works. */
  readonly source: ByteSource;
  /** Must not exist yet; appears atomically (rename) once the whole layer is in place. */
  readonly target: string;
  /** For mknod/mkfifo/setfattr/zstd; defaults to execa. */
  readonly runner?: ProcessRunner;
  readonly onProgress?: (p: ApplyProgress) => void;
  readonly signal?: AbortSignal;
}

export interface AppliedLayer {
  /** sha256 of the uncompressed tar stream, as "sha256:<hex>". */
  readonly diffId: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  readonly compression: Compression;
  readonly entries: number;
}

/**
 * Unpacks a layer into `target`. It unpacks into `<target>.tmp-<random>` beside it and renames on
 * success; on any failure (hostile entry, corrupt stream, abort) the temp dir is removed and
 * nothing appears at `target`.
 */
export async function applyLayer(options: ApplyLayerOptions): Promise<AppliedLayer> {
  const target = resolve(options.target);
  if (await exists(target)) throw conflict(`layer target ${target} already exists`);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
  await mkdir(tmp, { mode: 0o755 });
  try {
    const result = await unpackInto(tmp, options);
    await rename(tmp, target);
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** Unpacks into an existing, empty, private directory. Exported for the snapshotter's staging. */
export async function unpackInto(dir: string, options: Omit<ApplyLayerOptions, "target">): Promise<AppliedLayer> {
  const { signal, onProgress } = options;
  const runner = options.runner ?? execaRunner();
  const hash = createHash("sha256");
  let compressedBytes = 0;
  let uncompressedBytes = 0;
  let entries = 0;
  let compression: Compression = "none";

  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of options.source) {
      signal?.throwIfAborted();
      compressedBytes += chunk.length;
      yield chunk;
    }
  }
  async function* hashed(): AsyncGenerator<Buffer> {
    const opts = { runner, onDetect: (c: Compression) => (compression = c), ...(signal ? { signal } : {}) };
    for await (const chunk of decompress(counted(), opts)) {
      hash.update(chunk);
      uncompressedBytes += chunk.length;
      onProgress?.({ compressedBytes, uncompressedBytes, entries });
      yield chunk;
    }
  }

  const tree = new LayerTree();
  const fsw = new LayerWriter(dir, runner, signal);
  // readTar drains the stream after the end-of-archive marker, so the hash covers every byte.
  for await (const entry of readTar(hashed())) {
    signal?.throwIfAborted();
    entries++;
    const actions = tree.plan(entry.header);
    for (const action of actions) {
      try {
        await fsw.perform(action, entry);
      } catch (err) {
        if (err instanceof TstackError) throw err;
        throw new TstackError("Internal", `unpacking tar entry ${JSON.stringify(entry.header.name)}: ${String(err)}`, {
          cause: err,
        });
      }
    }
  }
  await fsw.finish(tree);
  return { diffId: `sha256:${hash.digest("hex")}`, size: uncompressedBytes, compression, entries };
}

const WRITE_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;

// Performs planned actions under `root`. Paths come from LayerTree: relative, validated, and
// every parent is a directory this writer made.
class LayerWriter {
  readonly #root: string;
  readonly #runner: ProcessRunner;
  readonly #signal: AbortSignal | undefined;
  // All whiteouts of a layer can share one 0/0 device inode (overlayfs itself does this),
  // which saves a mknod process per whiteout.
  #whiteoutTemplate: string | undefined;

  constructor(root: string, runner: ProcessRunner, signal: AbortSignal | undefined) {
    this.#root = root;
    this.#runner = runner;
    this.#signal = signal;
  }

  #abs(path: string): string {
    return path === "" ? this.#root : `${this.#root}/${path}`;
  }

  async perform(action: Action, entry: TarEntry): Promise<void> {
    const abs = this.#abs(action.path);
    switch (action.op) {
      case "mkdir-implicit":
        mkdirSync(abs);
        chmodSync(abs, 0o755);
        return;
      case "remove":
        if (this.#whiteoutTemplate !== undefined && (this.#whiteoutTemplate === abs || this.#whiteoutTemplate.startsWith(`${abs}/`))) {
          this.#whiteoutTemplate = undefined;
        }
        if (action.dir) rmSync(abs, { recursive: true, force: true });
        else unlinkSync(abs);
        return;
      case "dir":
        if (!action.exists) mkdirSync(abs, 0o700);
        // chmod after chown: chown clears setuid/setgid.
        lchownSync(abs, action.header.uid, action.header.gid);
        chmodSync(abs, action.header.mode);
        return;
      case "file":
        await this.#writeFile(abs, entry);
        return;
      case "symlink":
        symlinkSync(action.header.linkname, abs);
        lchownSync(abs, action.header.uid, action.header.gid);
        lutimesSync(abs, atimeOf(action.header), action.header.mtime);
        return;
      case "hardlink":
        // link(2) does not follow a symlink target; the tree checked the target's parents.
        linkSync(this.#abs(action.target), abs);
        return;
      case "device": {
        const h = action.header;
        const kind = h.type === "blockdev" ? "b" : "c";
        await this.#run("mknod", [abs, kind, String(h.devmajor), String(h.devminor)]);
        this.#finishNode(abs, h);
        return;
      }
      case "fifo":
        await this.#run("mkfifo", [abs]);
        this.#finishNode(abs, action.header);
        return;
      case "whiteout":
        await this.#whiteout(abs);
        return;
      default: {
        const never: never = action;
        throw new Error(`unexpected action ${JSON.stringify(never)}`);
      }
    }
  }

  async #writeFile(abs: string, entry: TarEntry): Promise<void> {
    const h = entry.header;
    const fd = openSync(abs, WRITE_FLAGS, 0o600);
    try {
      for await (const chunk of entry.body) {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      }
      fchownSync(fd, h.uid, h.gid);
      fchmodSync(fd, h.mode);
      futimesSync(fd, atimeOf(h), h.mtime);
    } finally {
      closeSync(fd);
    }
  }

  #finishNode(abs: string, h: TarHeader): void {
    lchownSync(abs, h.uid, h.gid);
    chmodSync(abs, h.mode);
    lutimesSync(abs, atimeOf(h), h.mtime);
  }

  async #whiteout(abs: string): Promise<void> {
    if (this.#whiteoutTemplate !== undefined) {
      try {
        linkSync(this.#whiteoutTemplate, abs);
        return;
      } catch (err) {
        // Cross-device or similar: fall back to a fresh device.
        if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
      }
    }
    await this.#run("mknod", ["-m", "0", abs, "c", "0", "0"]);
    this.#whiteoutTemplate = abs;
  }

  async #run(file: string, args: readonly string[], input?: string): Promise<void> {
    await this.#runner.run(file, args, {
      ...(input !== undefined ? { input } : {}),
      ...(this.#signal ? { signal: this.#signal } : {}),
    });
  }

  /** Extended attributes (one setfattr for the whole layer), then directory times. */
  async finish(tree: LayerTree): Promise<void> {
    const sets = tree.xattrs();
    if (sets.length > 0) {
      const dump = formatXattrDump(sets.map((s) => ({ path: this.#abs(s.path), xattrs: s.xattrs })));
      // -h: never follow a symlink that carries xattrs.
      await this.#run("setfattr", ["-h", "--restore=-"], dump);
    }
    for (const d of tree.dirTimes()) lutimesSync(this.#abs(d.path), d.atime, d.mtime);
  }
}

const atimeOf = (h: TarHeader): number => h.atime ?? h.mtime;
