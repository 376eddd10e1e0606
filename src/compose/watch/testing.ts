// Test-only: a clock whose time moves when told, a file watcher whose changes the test makes
// up, and a fake engine whose containers hold files (archive uploads unpack into them; sha256sum
// and rm execs read and change them).
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { readTar } from "../../common/tar/index.ts";
import { FakeEngineClient } from "../engine-client/index.ts";
import type { ExecCreateBody, OutputChunk } from "../engine-client/index.ts";
import type { FileChange } from "./batcher.ts";
import type { FileWatcher, WatchHandle, WatchRequest } from "./file-watcher.ts";
import type { Timers } from "./timers.ts";

export class FakeTimers implements Timers {
  #now = 1_000_000;
  #seq = 0;
  readonly #due = new Map<number, { readonly at: number; readonly fn: () => void }>();

  now = () => this.#now;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.#seq;
    this.#due.set(id, { at: this.#now + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown): void => void this.#due.delete(h as number);

  /** Moves time on, firing what falls due, in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (next === undefined) break;
      this.#due.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }

  get pending(): number {
    return this.#due.size;
  }
}

/** A FileWatcher whose changes the test reports by hand. */
export class FakeFileWatcher implements FileWatcher {
  request: WatchRequest | undefined;
  closed = false;

  async watch(request: WatchRequest): Promise<WatchHandle> {
    this.request = request;
    const close = async () => void (this.closed = true);
    return { close, [Symbol.asyncDispose]: close };
  }

  change(path: string, kind: FileChange["kind"] = "write", isDir = false): void {
    if (this.request === undefined || this.closed) throw new Error("not watching");
    this.request.onChange({ path, kind, isDir });
  }
}

type ContainerFile = { readonly kind: "dir" } | { readonly kind: "file"; readonly data: Buffer; readonly uid: number; readonly gid: number };

/**
 * The fake engine with a file system per container (by name): uploads unpack into it, and the
 * execs of `sha256sum --` and `rm -rf --` work on it, unless `tools` says the image lacks them.
 * Every exec's command is logged in `commands`.
 */
export class FilesFakeClient extends FakeEngineClient {
  readonly files = new Map<string, Map<string, ContainerFile>>();
  /** `container: command line` of every exec, in order. */
  readonly commands: string[] = [];
  readonly tools = { sha256sum: true, rm: true };

  constructor() {
    super();
    this.execResult = (container, body) => this.#exec(container, body);
  }

  fs(container: string): Map<string, ContainerFile> {
    let m = this.files.get(container);
    if (m === undefined) this.files.set(container, (m = new Map()));
    return m;
  }

  /** A file's text in a container, or undefined. */
  text(container: string, path: string): string | undefined {
    const f = this.files.get(container)?.get(path);
    return f?.kind === "file" ? f.data.toString("utf8") : undefined;
  }

  override async putArchive(container: string, path: string, tar: AsyncIterable<Buffer>, o?: { signal?: AbortSignal }): Promise<void> {
    const chunks: Buffer[] = [];
    await super.putArchive(container, path, (async function* () {
      for await (const c of tar) {
        chunks.push(c);
        yield c;
      }
    })(), o);
    const name = this.containers.get(container)?.name ?? container;
    for await (const e of readTar((async function* () { yield Buffer.concat(chunks); })())) {
      const p = posix.join(path, e.header.name);
      this.fs(name).set(p, e.header.type === "dir" ? { kind: "dir" } : { kind: "file", data: await e.readAll(), uid: e.header.uid, gid: e.header.gid });
    }
  }

  #exec(container: string, body: ExecCreateBody): { output: OutputChunk[]; exitCode: number } {
    this.commands.push(`${container}: ${body.Cmd.join(" ")}`);
    const [cmd, ...args] = body.Cmd;
    const paths = args[0] === "--" || args[1] === "--" ? args.slice(args.indexOf("--") + 1) : [];
    const files = this.fs(container);
    if (cmd === "sha256sum") {
      if (!this.tools.sha256sum) return { output: [{ stream: "stderr", data: Buffer.from("exec: sha256sum: not found") }], exitCode: 127 };
      const lines = paths.flatMap((p) => {
        const f = files.get(p);
        return f?.kind === "file" ? [`${createHash("sha256").update(f.data).digest("hex")}  ${p}\n`] : [];
      });
      return { output: [{ stream: "stdout", data: Buffer.from(lines.join("")) }], exitCode: lines.length === paths.length ? 0 : 1 };
    }
    if (cmd === "rm") {
      if (!this.tools.rm) return { output: [], exitCode: 127 };
      for (const p of paths) for (const k of [...files.keys()]) if (k === p || k.startsWith(`${p}/`)) files.delete(k);
    }
    return { output: [], exitCode: 0 };
  }
}
