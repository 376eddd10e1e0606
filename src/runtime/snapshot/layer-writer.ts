import type { TarEntry, TarHeader } from "../../common/tar/index.ts";
import type { FsStream } from "./fs-batch-workers.ts";
import type { Action, LayerTree } from "./layer-tree.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import { formatXattrDump } from "./xattr-dump.ts";

/**
 * Performs planned actions under `root`. Paths come from LayerTree: relative, validated, and
 * every parent is a directory this writer made. The filesystem calls go, in order, to an
 * fs-batch worker (`fs`); what needs a program (mknod, mkfifo, setfattr) waits until the
 * worker has caught up.
 */
export class LayerWriter {
  readonly #root: string;
  readonly #runner: ProcessRunner;
  readonly #fs: FsStream;
  readonly #signal: AbortSignal | undefined;
  // All whiteouts of a layer can share one 0/0 device inode (overlayfs itself does this),
  // which saves a mknod process per whiteout.
  #whiteoutTemplate: string | undefined;

  constructor(root: string, runner: ProcessRunner, fs: FsStream, signal: AbortSignal | undefined) {
    this.#root = root;
    this.#runner = runner;
    this.#fs = fs;
    this.#signal = signal;
  }

  #abs(path: string): string {
    return path === "" ? this.#root : `${this.#root}/${path}`;
  }

  async perform(action: Action, entry: TarEntry): Promise<void> {
    const abs = this.#abs(action.path);
    const name = entry.header.name;
    switch (action.op) {
      case "mkdir-implicit":
        await this.#fs.op({ k: "mkdir", path: abs, mkdirMode: 0o777, mode: 0o755 }, name);
        return;
      case "remove":
        if (this.#whiteoutTemplate !== undefined && (this.#whiteoutTemplate === abs || this.#whiteoutTemplate.startsWith(`${abs}/`))) {
          this.#whiteoutTemplate = undefined;
        }
        await this.#fs.op({ k: "rm", path: abs, dir: action.dir }, name);
        return;
      case "dir": {
        const h = action.header;
        if (!action.exists) await this.#fs.op({ k: "mkdir", path: abs, mkdirMode: 0o700 }, name);
        await this.#fs.op({ k: "own", path: abs, uid: h.uid, gid: h.gid, mode: h.mode }, name);
        return;
      }
      case "file": {
        const h = entry.header;
        await this.#fs.op({ k: "open", path: abs }, name);
        for await (const chunk of entry.body) await this.#fs.write(chunk, name);
        await this.#fs.op({ k: "close", uid: h.uid, gid: h.gid, mode: h.mode, atime: atimeOf(h), mtime: h.mtime }, name);
        return;
      }
      case "symlink": {
        const h = action.header;
        await this.#fs.op({ k: "symlink", path: abs, target: h.linkname, uid: h.uid, gid: h.gid, atime: atimeOf(h), mtime: h.mtime }, name);
        return;
      }
      case "hardlink":
        await this.#fs.op({ k: "link", path: abs, target: this.#abs(action.target) }, name);
        return;
      case "device": {
        const h = action.header;
        const kind = h.type === "block" ? "b" : "c";
        await this.#fs.barrier();
        await this.#run("mknod", [abs, kind, String(h.devmajor), String(h.devminor)]);
        await this.#finishNode(abs, h, name);
        return;
      }
      case "fifo":
        await this.#fs.barrier();
        await this.#run("mkfifo", [abs]);
        await this.#finishNode(abs, action.header, name);
        return;
      case "whiteout":
        if (this.#whiteoutTemplate !== undefined) {
          // The template is in this same fresh directory: no EXDEV is possible.
          await this.#fs.op({ k: "link", path: abs, target: this.#whiteoutTemplate }, name);
          return;
        }
        await this.#fs.barrier();
        await this.#run("mknod", ["-m", "0", abs, "c", "0", "0"]);
        this.#whiteoutTemplate = abs;
        return;
      default: {
        const never: never = action;
        throw new Error(`unexpected action ${JSON.stringify(never)}`);
      }
    }
  }

  async #finishNode(abs: string, h: TarHeader, name: string): Promise<void> {
    await this.#fs.op({ k: "node", path: abs, uid: h.uid, gid: h.gid, mode: h.mode, atime: atimeOf(h), mtime: h.mtime }, name);
  }

  async #run(file: string, args: readonly string[], input?: string): Promise<void> {
    await this.#runner.run(file, args, {
      ...(input !== undefined ? { input } : {}),
      ...(this.#signal ? { signal: this.#signal } : {}),
    });
  }

  /** Extended attributes (one setfattr for the whole layer), then directory times. */
  async finish(tree: LayerTree): Promise<void> {
    await this.#fs.barrier();
    const sets = tree.xattrs();
    if (sets.length > 0) {
      const dump = formatXattrDump(sets.map((s) => ({ path: this.#abs(s.path), xattrs: s.xattrs })));
      // -h: never follow a symlink that carries xattrs.
      await this.#run("setfattr", ["-h", "--restore=-"], dump);
    }
    for (const d of tree.dirTimes()) await this.#fs.op({ k: "utimes", path: this.#abs(d.path), atime: d.atime, mtime: d.mtime }, d.path);
    await this.#fs.barrier();
  }

  /** Waits until the worker has stopped writing for this layer. */
  end(): Promise<void> {
    return this.#fs.end();
  }
}

const atimeOf = (h: TarHeader): number => h.atime ?? h.mtime;
