import { HttpError } from "./errors.ts";

// Method + path matching with Docker's path shapes. A `{name*}` parameter may contain
// slashes (image names such as `127.0.0.1:5000/team/app:1`), as Docker's `{name:.*}`.

export const MIN_API_VERSION = "1.24";
export const MAX_API_VERSION = "1.47";
export const DEFAULT_API_VERSION = "1.45";

export interface Route<H> {
  readonly method: string;
  readonly pattern: string;
  readonly handler: H;
}

interface Compiled<H> {
  readonly method: string;
  readonly re: RegExp;
  readonly names: readonly string[];
  readonly handler: H;
}

export interface Match<H> {
  readonly handler: H;
  readonly params: Readonly<Record<string, string>>;
}

export interface SplitPath {
  readonly version: string | undefined;
  readonly path: string;
}

const VERSION_RE = /^\/v(\d+\.\d+)(\/.*)$/;

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** Strips `/v1.xx` and checks it is a version this server speaks. */
export function splitVersion(rawPath: string): SplitPath {
  const m = VERSION_RE.exec(rawPath);
  if (!m) return { version: undefined, path: rawPath };
  const version = m[1]!;
  if (compareVersions(version, MAX_API_VERSION) > 0) {
    throw new HttpError(400, `client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new HttpError(400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: m[2]! };
}

export class Router<H> {
  private readonly routes: Compiled<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    const names: string[] = [];
    const src = pattern
      .split("/")
      .map((seg) => {
        const p = /^\{(\w+)(\*?)\}$/.exec(seg);
        if (!p) return seg.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        names.push(p[1]!);
        return p[2] ? "(.+)" : "([^/]+)";
      })
      .join("/");
    this.routes.push({ method, re: new RegExp(`^${src}/?$`), names, handler });
    return this;
  }

  /** undefined: no route has this path at all (404); a route for another method gives 405. */
  match(method: string, path: string): Match<H> | undefined {
    let pathKnown = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (r.method !== method && !(method === "HEAD" && r.method === "GET")) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      return { handler: r.handler, params };
    }
    if (pathKnown) throw new HttpError(405, `method ${method} is not allowed on ${path}`);
    return undefined;
  }
}
