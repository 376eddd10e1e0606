import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { writeJsonAtomic } from "../../common/atomic-write.ts";
import { Mutex } from "../../common/mutex.ts";
import { conflict, invalidArgument, notFound, unimplemented } from "../../common/errors.ts";

/** A named local volume: `<root>/volumes/<name>/_data`, metadata in `volume.json` beside it. */
export interface Volume {
  readonly name: string;
  readonly driver: "local";
  readonly mountpoint: string;
  readonly createdAt: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  /** Anonymous volumes (from an image's VOLUME or `-v /path`) are removed with their container when asked. */
  readonly anonymous: boolean;
  /** Set once the volume was filled from an image's content, which happens only for a new, empty volume. */
  readonly populated: boolean;
}

export interface CreateVolumeOptions {
  readonly name?: string;
  readonly driver?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly options?: Readonly<Record<string, string>>;
  readonly anonymous?: boolean;
}

export interface VolumeStore {
  create(o: CreateVolumeOptions): Promise<{ volume: Volume; created: boolean }>;
  get(name: string): Volume;
  find(name: string): Volume | undefined;
  list(): readonly Volume[];
  markPopulated(name: string): Promise<void>;
  /** `inUse` is asked by the caller's container index; a used volume is never removed. */
  remove(name: string, opts: { force?: boolean; inUse: boolean }): Promise<void>;
  usage(name: string): Promise<number>;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateVolumeName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw invalidArgument(`invalid volume name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
}

// The local driver's options Docker accepts that tstack implements; others are refused by name.
function checkOptions(options: Readonly<Record<string, string>>): void {
  const keys = Object.keys(options);
  if (keys.length === 0) return;
  const bind = options["o"]?.split(",").includes("bind") && options["device"];
  if (bind && keys.every((k) => ["type", "o", "device"].includes(k))) return;
  throw unimplemented(
    `volume driver options ${JSON.stringify(options)} are not supported: tstack's local driver takes none, or type=none,o=bind,device=PATH`,
  );
}

export async function openVolumeStore(root: string, deps: { now: () => Date }): Promise<VolumeStore> {
  const dir = join(root, "volumes");
  await mkdir(dir, { recursive: true });
  const mutex = new Mutex();
  const volumes = new Map<string, Volume>();
  for (const name of await readdir(dir)) {
    try {
      volumes.set(name, JSON.parse(await readFile(join(dir, name, "volume.json"), "utf8")) as Volume);
    } catch {
      // A volume directory without metadata is the leftover of a create that crashed: drop it.
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
  const save = (v: Volume) => writeJsonAtomic(join(dir, v.name, "volume.json"), v);
  const get = (name: string) => {
    const v = volumes.get(name);
    if (!v) throw notFound(`no such volume: ${name}`);
    return v;
  };
  return {
    create: (o) =>
      mutex.run(async () => {
        const driver = o.driver ?? "local";
        if (driver !== "local") throw unimplemented(`volume driver ${JSON.stringify(driver)} is not supported (only "local")`);
        const name = o.name ?? randomBytes(32).toString("hex");
        validateVolumeName(name);
        const existing = volumes.get(name);
        if (existing) return { volume: existing, created: false };
        const options = o.options ?? {};
        checkOptions(options);
        const data = join(dir, name, "_data");
        await mkdir(data, { recursive: true });
        const v: Volume = {
          name,
          driver: "local",
          mountpoint: options["device"] && options["o"]?.includes("bind") ? options["device"] : data,
          createdAt: deps.now().toISOString(),
          labels: o.labels ?? {},
          options,
          anonymous: o.anonymous ?? o.name === undefined,
          populated: false,
        };
        await save(v);
        volumes.set(name, v);
        return { volume: v, created: true };
      }),
    get,
    find: (name) => volumes.get(name),
    list: () => [...volumes.values()],
    markPopulated: (name) =>
      mutex.run(async () => {
        const v = { ...get(name), populated: true };
        await save(v);
        volumes.set(name, v);
      }),
    remove: (name, opts) =>
      mutex.run(async () => {
        const v = volumes.get(name);
        if (!v) {
          if (opts.force) return;
          throw notFound(`no such volume: ${name}`);
        }
        if (opts.inUse) throw conflict(`volume ${name} is in use by a container`);
        volumes.delete(name);
        await rm(join(dir, name), { recursive: true, force: true });
      }),
    async usage(name) {
      return dirSize(get(name).mountpoint);
    },
  };
}

async function dirSize(path: string): Promise<number> {
  let total = 0;
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else total += (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
