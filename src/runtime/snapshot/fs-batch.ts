// The filesystem work of unpacking a layer, as data: what the layer writer asks of an fs-batch
// worker. Paths are absolute and were validated by the LayerTree; ops run in order, and
// `write` ops take bytes from the batch's data buffer.

export type FsOp =
  /** mkdir; then chmod when `mode` is given (mkdir's mode goes through the umask). */
  | { readonly k: "mkdir"; readonly path: string; readonly mkdirMode: number; readonly mode?: number }
  | { readonly k: "rm"; readonly path: string; readonly dir: boolean }
  /** lchown then chmod (chown clears setuid/setgid). */
  | { readonly k: "own"; readonly path: string; readonly uid: number; readonly gid: number; readonly mode: number }
  /** Opens a new regular file (O_EXCL, O_NOFOLLOW) as the stream's current file. */
  | { readonly k: "open"; readonly path: string }
  | { readonly k: "write"; readonly off: number; readonly len: number }
  /** fchown, fchmod, futimes and close of the current file. */
  | { readonly k: "close"; readonly uid: number; readonly gid: number; readonly mode: number; readonly atime: number; readonly mtime: number }
  | {
      readonly k: "symlink";
      readonly path: string;
      readonly target: string;
      readonly uid: number;
      readonly gid: number;
      readonly atime: number;
      readonly mtime: number;
    }
  | { readonly k: "link"; readonly path: string; readonly target: string }
  /** lchown, chmod, lutimes of a node made by a program (device, fifo). */
  | { readonly k: "node"; readonly path: string; readonly uid: number; readonly gid: number; readonly mode: number; readonly atime: number; readonly mtime: number }
  | { readonly k: "utimes"; readonly path: string; readonly atime: number; readonly mtime: number };

export type ToFsWorker =
  | { readonly type: "batch"; readonly stream: number; readonly seq: number; readonly ops: readonly FsOp[]; readonly data: ArrayBuffer; readonly used: number }
  /** The stream is over: close its current file if any and forget it. */
  | { readonly type: "end"; readonly stream: number; readonly seq: number };

export type FromFsWorker =
  | { readonly type: "done"; readonly stream: number; readonly seq: number; readonly data?: ArrayBuffer }
  /** Op `index` of batch `seq` failed; the stream's later batches are skipped. */
  | {
      readonly type: "failed";
      readonly stream: number;
      readonly seq: number;
      readonly index: number;
      readonly message: string;
      readonly code?: string;
      readonly data?: ArrayBuffer;
    };
