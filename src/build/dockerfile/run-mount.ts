// `RUN --mount=type=...,key=value,...` (BuildKit's commands_runmount.go). The spec is CSV (a field
// may be "quoted"). At parse time values are not expanded: keys and static values are checked and
// `from` is read (it may not use variables: the stage graph needs it before any expansion); after
// expansion the spec is read again into a typed RunMount with every value checked.

export type MountType = "bind" | "cache" | "tmpfs" | "secret" | "ssh";
export type CacheSharing = "shared" | "private" | "locked";

interface Owned {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export type RunMount =
  | {
      readonly type: "bind";
      readonly target: string;
      /** Path inside `from` (default: the build context); "" is its root. */
      readonly source: string;
      /** A stage name or index, or an image; absent: the build context. */
      readonly from?: string;
      /** Bind mounts are read-only unless `rw` is given. */
      readonly readonly: boolean;
    }
  | (Owned & {
      readonly type: "cache";
      readonly target: string;
      /** Defaults to the target path. */
      readonly id: string;
      readonly sharing: CacheSharing;
      readonly from?: string;
      readonly source?: string;
      readonly readonly: boolean;
    })
  | { readonly type: "tmpfs"; readonly target: string; /** Bytes; absent: no limit. */ readonly size?: number }
  | (Owned & {
      readonly type: "secret";
      readonly id: string;
      /** Absent when only `env` was asked for. */
      readonly target?: string;
      readonly env?: string;
      readonly required: boolean;
    })
  | (Owned & { readonly type: "ssh"; readonly id: string; readonly target?: string; readonly required: boolean });

/** What parse time knows of a mount before expansion. */
export interface MountSpec {
  /** The spec as written after `--mount=`. */
  readonly text: string;
  readonly type: MountType;
  readonly from?: string;
}

const TYPES = new Set<MountType>(["bind", "cache", "tmpfs", "secret", "ssh"]);
const KEYS_BY_TYPE: Readonly<Record<MountType, ReadonlySet<string>>> = {
  bind: new Set(["target", "source", "from", "readonly", "readwrite"]),
  cache: new Set(["target", "source", "from", "readonly", "readwrite", "id", "sharing", "mode", "uid", "gid"]),
  tmpfs: new Set(["target", "size"]),
  secret: new Set(["target", "id", "env", "required", "mode", "uid", "gid"]),
  ssh: new Set(["target", "id", "required", "mode", "uid", "gid"]),
};
const ALIASES: Readonly<Record<string, string>> = {
  dst: "target",
  destination: "target",
  src: "source",
  ro: "readonly",
  rw: "readwrite",
};

/** Parse-time check of a spec. Throws a plain Error the caller locates. */
export function checkMountSpec(text: string): MountSpec {
  const fields = readFields(text);
  const from = fields.get("from");
  if (from !== undefined && from.includes("$"))
    throw new Error(`--mount from=${from}: 'from' doesn't support variable expansion, define an alias stage instead`);
  const type = mountType(fields);
  toRunMount(fields, type, (v) => !v.includes("$"));
  return { text, type, ...(from === undefined ? {} : { from }) };
}

/** Reads an expanded spec; `expand` is applied to every value. Throws a plain Error. */
export function parseMount(text: string, expand: (value: string) => string): RunMount {
  const fields = new Map([...readFields(text)].map(([k, v]) => [k, k === "from" ? v : expand(v)]));
  return toRunMount(fields, mountType(fields), () => true);
}

function readFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const field of splitCsv(text)) {
    const eq = field.indexOf("=");
    const rawKey = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const key = ALIASES[rawKey] ?? rawKey;
    let value = eq < 0 ? undefined : field.slice(eq + 1);
    if (value === undefined) {
      if (key !== "readonly" && key !== "readwrite" && key !== "required")
        throw new Error(`--mount: unexpected key '${rawKey}' in '${field}'`);
      value = "true";
    }
    fields.set(key, value);
  }
  return fields;
}

function mountType(fields: ReadonlyMap<string, string>): MountType {
  const type = (fields.get("type") ?? "bind").toLowerCase();
  if (!TYPES.has(type as MountType)) throw new Error(`--mount: unsupported mount type "${type}"`);
  return type as MountType;
}

// `check(value)` says whether a value is final enough to validate (parse time skips `$...`).
function toRunMount(fields: ReadonlyMap<string, string>, type: MountType, check: (v: string) => boolean): RunMount {
  for (const key of fields.keys())
    if (key !== "type" && !KEYS_BY_TYPE[type].has(key))
      throw new Error(`--mount: unexpected key '${key}' for mount type '${type}'`);
  const get = (k: string) => fields.get(k);
  const checked = <T>(k: string, read: (v: string) => T): T | undefined => {
    const v = get(k);
    return v === undefined || !check(v) ? undefined : read(v);
  };
  const bool = (k: string) => checked(k, (v) => parseBool(k, v));
  const num = (k: string, radix: 8 | 10) => checked(k, (v) => parseUint(k, v, radix));
  const target = get("target");
  const from = get("from");
  const ro = bool("readonly") ?? (bool("readwrite") === undefined ? undefined : !bool("readwrite"));
  const requireTarget = (): string => {
    if (target === undefined || target === "") throw new Error(`--mount: type=${type} requires a target`);
    return target;
  };
  switch (type) {
    case "bind":
      return { type, target: requireTarget(), source: get("source") ?? "", ...(from === undefined ? {} : { from }), readonly: ro ?? true };
    case "cache": {
      const sharing = checked("sharing", (v) => {
        const s = v.toLowerCase();
        if (s !== "shared" && s !== "private" && s !== "locked") throw new Error(`--mount: unsupported sharing value "${v}"`);
        return s;
      });
      const source = get("source");
      return {
        type,
        target: requireTarget(),
        id: get("id") || requireTarget(),
        sharing: sharing ?? "shared",
        ...(from === undefined ? {} : { from }),
        ...(source === undefined ? {} : { source }),
        readonly: ro ?? false,
        mode: num("mode", 8) ?? 0o755,
        uid: num("uid", 10) ?? 0,
        gid: num("gid", 10) ?? 0,
      };
    }
    case "tmpfs": {
      const size = checked("size", parseSize);
      return { type, target: requireTarget(), ...(size === undefined ? {} : { size }) };
    }
    case "secret": {
      const env = get("env");
      const id = get("id") || (target ? target.split("/").filter(Boolean).at(-1) : undefined);
      if (id === undefined || id === "") throw new Error("--mount: type=secret requires an id or a target");
      const secretTarget = target ?? (env === undefined ? `/run/secrets/${id}` : undefined);
      return {
        type,
        id,
        ...(secretTarget === undefined ? {} : { target: secretTarget }),
        ...(env === undefined ? {} : { env }),
        required: bool("required") ?? false,
        mode: num("mode", 8) ?? 0o400,
        uid: num("uid", 10) ?? 0,
        gid: num("gid", 10) ?? 0,
      };
    }
    case "ssh":
      return {
        type,
        id: get("id") || "default",
        ...(target === undefined ? {} : { target }),
        required: bool("required") ?? false,
        mode: num("mode", 8) ?? 0o600,
        uid: num("uid", 10) ?? 0,
        gid: num("gid", 10) ?? 0,
      };
  }
}

function parseBool(key: string, v: string): boolean {
  const s = v.toLowerCase();
  if (["1", "t", "true"].includes(s)) return true;
  if (["0", "f", "false"].includes(s)) return false;
  throw new Error(`--mount: invalid value for ${key}: ${v}`);
}

function parseUint(key: string, v: string, radix: 8 | 10): number {
  const ok = radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  const n = ok.test(v) ? Number.parseInt(v, radix) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff) throw new Error(`--mount: invalid value for ${key}: ${v}`);
  return n;
}

// Docker's RAMInBytes: a number with an optional binary unit (k, m, g, t, p; "b" and "ib" allowed).
function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(v);
  if (m === null) throw new Error(`--mount: invalid size: ${v}`);
  const power = " kmgtp".indexOf((m[2] ?? "").toLowerCase() || " ");
  return Math.floor(Number(m[1]) * 1024 ** power);
}

function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  if (quoted) throw new Error(`--mount: unterminated quote in ${JSON.stringify(text)}`);
  fields.push(field);
  return fields.filter((f) => f !== "");
}
