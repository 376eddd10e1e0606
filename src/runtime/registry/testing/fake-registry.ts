import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A small in-memory OCI distribution server on 127.0.0.1 for unit tests of the registry
// client. It implements what the client uses (manifests, blobs with Range, monolithic and
// chunked uploads, cross-repo mounts, bearer token and basic auth) and lets a test take
// over any request through `intercept` to inject faults.

export type FakeAuth =
  | { readonly mode: "none" }
  | { readonly mode: "basic"; readonly users: Readonly<Record<string, string>> }
  | { readonly mode: "bearer"; readonly users?: Readonly<Record<string, string>>; readonly anonymous: boolean; readonly expiresIn?: number };

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly headers: IncomingMessage["headers"];
}

export interface StoredManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

export interface FakeRegistry extends AsyncDisposable {
  readonly addr: string; // 127.0.0.1:PORT
  readonly blobs: Map<string, Buffer>;
  /** repo → (tag or digest) → manifest */
  readonly manifests: Map<string, Map<string, StoredManifest>>;
  readonly requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  auth: FakeAuth;
  /** Serve blob GETs as a 307 redirect to `<this base URL>/storage/<digest>` (like S3-backed registries). */
  redirectBlobsTo: string | undefined;
  /** Return true when the request was answered by the test. */
  intercept: ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean) | undefined;
  /** Stores a blob visible in every repository (uploads are visible only in their own). */
  putBlob(bytes: Buffer | string): { digest: string; size: number };
  putManifest(repo: string, tag: string | undefined, bytes: Buffer | string, mediaType: string): string;
  close(): Promise<void>;
}

export const sha256 = (b: Buffer | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

const TOKEN_PREFIX = "tok-";

function ociError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}) {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeRegistry(init: { auth?: FakeAuth } = {}): Promise<FakeRegistry> {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, Map<string, StoredManifest>>();
  const uploads = new Map<string, { repo: string; chunks: Buffer[] }>();
  // Like distribution, a blob belongs to the repositories it was pushed or mounted into.
  const shared = new Set<string>();
  const links = new Map<string, Set<string>>();
  const link = (repo: string, digest: string) => links.set(repo, (links.get(repo) ?? new Set<string>()).add(digest));
  const visible = (repo: string | undefined, digest: string) =>
    repo === undefined || shared.has(digest) || (links.get(repo)?.has(digest) ?? false);
  const requests: RecordedRequest[] = [];
  let tokenCounter = 0;
  const tokens = new Map<string, { scopes: string[] }>();

  const state: Omit<FakeRegistry, "addr" | "connections" | typeof Symbol.asyncDispose> = {
    blobs,
    manifests,
    requests,
    auth: init.auth ?? { mode: "none" },
    redirectBlobsTo: undefined,
    intercept: undefined,
    putBlob(bytes) {
      const b = Buffer.from(bytes);
      const digest = sha256(b);
      blobs.set(digest, b);
      shared.add(digest);
      return { digest, size: b.length };
    },
    putManifest(repo, tag, bytes, mediaType) {
      const b = Buffer.from(bytes);
      const digest = sha256(b);
      const m = manifests.get(repo) ?? new Map<string, StoredManifest>();
      manifests.set(repo, m);
      m.set(digest, { bytes: b, mediaType });
      if (tag !== undefined) m.set(tag, { bytes: b, mediaType });
      return digest;
    },
    close: async () => {},
  };

  function checkBasic(header: string | undefined, users: Readonly<Record<string, string>>): string | undefined {
    if (!header?.startsWith("Basic ")) return undefined;
    const [user, ...rest] = Buffer.from(header.slice(6), "base64").toString().split(":");
    return user !== undefined && users[user] === rest.join(":") ? user : undefined;
  }

  // Whether the request may proceed; answers 401 itself when not.
  function authorised(req: IncomingMessage, res: ServerResponse, repo: string | undefined, action: "pull" | "push"): boolean {
    const auth = state.auth;
    const header = req.headers.authorization;
    switch (auth.mode) {
      case "none":
        return true;
      case "basic":
        if (checkBasic(header, auth.users) !== undefined) return true;
        ociError(res, 401, "UNAUTHORIZED", "authentication required", { "WWW-Authenticate": 'Basic realm="fake"' });
        return false;
      case "bearer": {
        const token = header?.startsWith("Bearer ") ? tokens.get(header.slice(7)) : undefined;
        const scope = repo === undefined ? undefined : `repository:${repo}:${action === "push" ? "pull,push" : "pull"}`;
        const ok =
          token !== undefined &&
          (repo === undefined ||
            token.scopes.some((s) => {
              const [, name, actions] = s.split(":");
              return name === repo && (actions ?? "").split(",").includes(action);
            }));
        if (ok) return true;
        const realm = `http://${addr}/token`;
        const challenge = `Bearer realm="${realm}",service="fake-registry"${scope ? `,scope="${scope}"` : ""}`;
        ociError(res, 401, "UNAUTHORIZED", "authentication required", { "WWW-Authenticate": challenge });
        return false;
      }
    }
  }

  function serveToken(req: IncomingMessage, res: ServerResponse, url: URL) {
    const auth = state.auth;
    if (auth.mode !== "bearer") return ociError(res, 404, "NOT_FOUND", "no token service");
    const user = req.headers.authorization ? checkBasic(req.headers.authorization, auth.users ?? {}) : undefined;
    if (req.headers.authorization && user === undefined) return ociError(res, 401, "UNAUTHORIZED", "incorrect username or password");
    if (user === undefined && !auth.anonymous) return ociError(res, 401, "UNAUTHORIZED", "login required");
    const token = `${TOKEN_PREFIX}${++tokenCounter}`;
    tokens.set(token, { scopes: url.searchParams.getAll("scope") });
    const body = JSON.stringify({ token, expires_in: auth.expiresIn ?? 300 });
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
  }

  function sendBlob(req: IncomingMessage, res: ServerResponse, digest: string, repo?: string): void {
    const blob = visible(repo, digest) ? blobs.get(digest) : undefined;
    if (blob === undefined) return void ociError(res, 404, "BLOB_UNKNOWN", "blob unknown to registry");
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range?.[1] !== undefined) {
      const start = Number(range[1]);
      const part = blob.subarray(start);
      res.writeHead(206, {
        "Content-Length": part.length,
        "Content-Range": `bytes ${start}-${blob.length - 1}/${blob.length}`,
        "Docker-Content-Digest": digest,
      });
      return void res.end(req.method === "HEAD" ? undefined : part);
    }
    res.writeHead(200, { "Content-Length": blob.length, "Docker-Content-Digest": digest, "Content-Type": "application/octet-stream" });
    void res.end(req.method === "HEAD" ? undefined : blob);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${addr}`);
    requests.push({ method: req.method ?? "", url: url.pathname + url.search, authorization: req.headers.authorization, headers: req.headers });
    if (state.intercept?.(req, res, url)) return;
    if (url.pathname === "/token") return serveToken(req, res, url);
    if (url.pathname.startsWith("/storage/")) return void sendBlob(req, res, url.pathname.slice("/storage/".length));
    if (url.pathname === "/v2/" || url.pathname === "/v2") {
      if (!authorised(req, res, undefined, "pull")) return;
      res.writeHead(200, { "Docker-Distribution-API-Version": "registry/2.0", "Content-Type": "application/json" });
      return void res.end("{}");
    }
    const m = /^\/v2\/(.+?)\/(manifests|blobs\/uploads|blobs)\/(.*)$/.exec(url.pathname);
    if (!m || m[1] === undefined || m[3] === undefined) return ociError(res, 404, "NOT_FOUND", "no route");
    const [, repo, kind, rest] = m;
    const write = req.method !== "GET" && req.method !== "HEAD";
    if (!authorised(req, res, repo, write ? "push" : "pull")) return;

    if (kind === "manifests") {
      if (req.method === "PUT") {
        const bytes = await readBody(req);
        const digest = state.putManifest(repo, rest.startsWith("sha256:") ? undefined : rest, bytes, req.headers["content-type"] ?? "");
        res.writeHead(201, { "Docker-Content-Digest": digest, Location: `/v2/${repo}/manifests/${digest}` });
        return void res.end();
      }
      const stored = manifests.get(repo)?.get(rest);
      if (stored === undefined) return ociError(res, 404, "MANIFEST_UNKNOWN", "manifest unknown");
      res.writeHead(200, {
        "Content-Type": stored.mediaType,
        "Content-Length": stored.bytes.length,
        "Docker-Content-Digest": sha256(stored.bytes),
      });
      return void res.end(req.method === "HEAD" ? undefined : stored.bytes);
    }

    if (kind === "blobs") {
      if (state.redirectBlobsTo !== undefined && req.method === "GET") {
        res.writeHead(307, { Location: `${state.redirectBlobsTo}/storage/${rest}` });
        return void res.end();
      }
      return void sendBlob(req, res, rest, repo);
    }

    // blobs/uploads/[uuid]
    if (req.method === "POST") {
      const mount = url.searchParams.get("mount");
      const from = url.searchParams.get("from");
      if (mount !== null && from !== null && blobs.has(mount) && visible(from, mount)) {
        link(repo, mount);
        res.writeHead(201, { Location: `/v2/${repo}/blobs/${mount}`, "Docker-Content-Digest": mount });
        return void res.end();
      }
      await readBody(req);
      const id = randomUUID();
      uploads.set(id, { repo, chunks: [] });
      res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${id}?_state=abc%3D`, "Docker-Upload-UUID": id, Range: "0-0" });
      return void res.end();
    }
    const upload = uploads.get(rest);
    if (upload === undefined) return ociError(res, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
    const body = await readBody(req);
    upload.chunks.push(body);
    if (req.method === "PATCH") {
      res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${rest}` });
      return void res.end();
    }
    if (req.method === "PUT") {
      const all = Buffer.concat(upload.chunks);
      const want = url.searchParams.get("digest");
      uploads.delete(rest);
      if (url.searchParams.get("_state") !== "abc=") return ociError(res, 400, "BLOB_UPLOAD_INVALID", "lost upload state");
      if (want !== sha256(all)) return ociError(res, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
      blobs.set(want, all);
      link(repo, want);
      res.writeHead(201, { Location: `/v2/${repo}/blobs/${want}`, "Docker-Content-Digest": want });
      return void res.end();
    }
    ociError(res, 405, "UNSUPPORTED", "method not allowed");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) ociError(res, 500, "UNKNOWN", String(err));
      else res.destroy();
    });
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  // A getter, not a copied value: Object.assign would freeze the count at 0.
  const counted = Object.defineProperty(state, "connections", { get: () => connections }) as typeof state & { readonly connections: number };
  return Object.assign(counted, { addr, close, [Symbol.asyncDispose]: close });
}
