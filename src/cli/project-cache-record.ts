import type { BigIntStats } from "node:fs";
import type { LoaderFs } from "../compose/load/loader-fs.ts";

/** What `stat(path, { bigint: true })` says, or undefined when it fails; injected for tests. */
export type StatPath = (path: string) => Promise<BigIntStats | undefined>;

/** A file's identity: changes when its content may have (same inode rewritten in place included). */
export interface FileIdentity {
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
}

export function identityOf(st: BigIntStats): FileIdentity {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * An existence check and its answer. `file`: a regular file (LoaderFs.exists, which file discovery
 * and .env selection use); `any`: anything at all (the validator's fileExists, i.e. existsSync).
 */
export interface Probe {
  readonly path: string;
  readonly kind: "file" | "any";
  readonly exists: boolean;
}

export function probeAnswer(kind: Probe["kind"], st: BigIntStats | undefined): boolean {
  switch (kind) {
    case "file":
      return st !== undefined && st.isFile();
    case "any":
      return st !== undefined;
    default: {
      const never: never = kind;
      throw new Error(`unknown probe kind ${String(never)}`);
    }
  }
}

/** Everything one load looked at, as recorded by the wrappers it was given. */
export interface LoadRecording {
  /** Files read, with their identity taken before the read; undefined when it could not be taken. */
  readonly reads: ReadonlyMap<string, FileIdentity | undefined>;
  readonly probes: readonly Probe[];
  /** Variables looked up and their value then (undefined = unset). */
  readonly variables: ReadonlyMap<string, string | undefined>;
  /** Whether the environment was enumerated: then the recorded variables are not all it used. */
  readonly enumerated: boolean;
}

/**
 * Wrappers around what a project load receives that note every file read, every existence probe
 * and every variable looked up. Lifecycle: create one per load, pass `env`, `fs` and `fileExists`
 * to it, then take `recording()` once the load has returned (later lookups, e.g. by commands
 * resolving service environments, are noted too but belong to no entry).
 */
export interface LoadRecorder {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fs: LoaderFs;
  readonly fileExists: (path: string) => boolean;
  recording(): LoadRecording;
}

export function createLoadRecorder(
  env: Readonly<Record<string, string | undefined>>,
  fs: LoaderFs,
  fileExists: (path: string) => boolean,
  stat: StatPath,
): LoadRecorder {
  const variables = new Map<string, string | undefined>();
  const reads = new Map<string, FileIdentity | undefined>();
  const probes: Probe[] = [];
  let enumerated = false;
  const note = (name: string | symbol): void => {
    if (typeof name === "string" && !variables.has(name)) variables.set(name, Object.hasOwn(env, name) ? env[name] : undefined);
  };
  // Forwards to `env` unchanged (so the proxy invariants hold), noting names on the way.
  const recordingEnv = new Proxy(env, {
    get: (t, p, r) => (note(p), Reflect.get(t, p, r) as unknown),
    has: (t, p) => (note(p), Reflect.has(t, p)),
    getOwnPropertyDescriptor: (t, p) => (note(p), Reflect.getOwnPropertyDescriptor(t, p)),
    ownKeys: (t) => {
      enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
  return {
    env: recordingEnv,
    fs: {
      // Identity first: a change between the stat and the read then shows as a different
      // identity next time, never as an old identity with new content.
      readFile: async (path) => {
        const st = await stat(path);
        const text = await fs.readFile(path);
        const id = st === undefined ? undefined : identityOf(st);
        if (!reads.has(path)) reads.set(path, id);
        else {
          // Read twice (an included file also extended, say) and changed in between: nothing
          // stable to record.
          const previous = reads.get(path);
          if (previous === undefined || id === undefined || !sameIdentity(previous, id)) reads.set(path, undefined);
        }
        return text;
      },
      exists: async (path) => {
        const exists = await fs.exists(path);
        probes.push({ path, kind: "file", exists });
        return exists;
      },
    },
    fileExists: (path) => {
      const exists = fileExists(path);
      probes.push({ path, kind: "any", exists });
      return exists;
    },
    recording: () => ({ reads: new Map(reads), probes: [...probes], variables: new Map(variables), enumerated }),
  };
}
