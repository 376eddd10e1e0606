import { parseReference } from "../../runtime/reference/index.ts";
import { familiar, imageHistoryJson, imageInspectJson, imageListJson } from "../compat/image-json.ts";
import { errorLine, progressLines } from "../compat/progress-json.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { ApiRequest, Handler, Responder } from "../http/context.ts";
import { checkFilterKeys, labelsMatch, parseFilters, queryBool } from "../http/query.ts";
import type { Router } from "../router.ts";
import type { ImageProgress } from "../../runtime/image/pull-progress.ts";

const JSON_STREAM = { "Content-Type": "application/json" };

/**
 * Docker's X-Registry-Auth: base64url JSON {username, password, serveraddress}. Absent or empty:
 * the engine's own credentials (~/.docker/config.json). Identity tokens are not supported.
 */
export function registryAuth(req: Pick<ApiRequest, "headers">): { username: string; password: string } | undefined {
  const raw = req.headers["x-registry-auth"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
  } catch {
    throw new HttpError(400, "X-Registry-Auth is not base64-encoded JSON");
  }
  const o = (parsed ?? {}) as { username?: unknown; password?: unknown; identitytoken?: unknown };
  if (typeof o.identitytoken === "string" && o.identitytoken) throw new HttpError(501, "X-Registry-Auth: identity tokens are not supported by tstack");
  if (typeof o.username !== "string" || !o.username) return undefined;
  return { username: o.username, password: typeof o.password === "string" ? o.password : "" };
}

/** Streams a pull or push as Docker's JSON progress; a failure after the start is an error line. */
async function progressStream(
  req: ApiRequest,
  res: Responder,
  op: "pull" | "push",
  tag: string,
  run: (onProgress: (p: ImageProgress) => void) => Promise<unknown>,
): Promise<void> {
  const sink = res.stream(200, JSON_STREAM);
  const lines: string[] = [];
  let flushing = Promise.resolve();
  const flush = () => {
    const batch = lines.splice(0).join("");
    if (batch) flushing = flushing.then(() => sink.write(batch)).catch(() => undefined);
  };
  try {
    await run((p) => {
      for (const l of progressLines(p, op, tag)) lines.push(JSON.stringify(l) + "\n");
      flush();
    });
  } catch (err) {
    if (req.signal.aborted) return;
    lines.push(JSON.stringify(errorLine(err instanceof Error ? err.message : String(err))) + "\n");
  }
  flush();
  await flushing;
  sink.end();
}

export function imageRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const images = deps.engine.images;
  const containers = deps.engine.containers;

  r.add("POST", "/images/create", async (req, res) => {
    const q = req.query;
    if (q.get("fromSrc")) throw new HttpError(501, "importing images (fromSrc) is not supported by tstack");
    const from = q.get("fromImage");
    if (!from) throw new HttpError(400, "fromImage is required");
    const tag = q.get("tag") ?? "";
    const ref = tag ? (tag.startsWith("sha256:") ? `${from}@${tag}` : `${from}:${tag}`) : from;
    const parsed = parseReference(ref); // 400 before any progress for a malformed name
    const platform = q.get("platform");
    const plat = platform ? platformOf(platform) : undefined;
    const credentials = registryAuth(req);
    await progressStream(req, res, "pull", parsed.tag ?? parsed.digest ?? "latest", (onProgress) =>
      images.pull(ref, { signal: req.signal, onProgress, ...(plat ? { platform: plat } : {}), ...(credentials ? { credentials } : {}) }),
    );
  });

  r.add("GET", "/images/json", async (req, res) => {
    const f = parseFilters(req.query.get("filters"));
    checkFilterKeys(f, ["reference", "label", "dangling", "before", "since"]);
    const list = await images.list();
    const counts = new Map<string, number>();
    for (const c of containers.list()) counts.set(c.config.imageId, (counts.get(c.config.imageId) ?? 0) + 1);
    const refs = f.get("reference");
    const out = list
      .filter((img) => labelsMatch(img.config.config?.Labels ?? {}, f.get("label")))
      .filter((img) => !f.get("dangling")?.includes("true") || img.names.length === 0)
      .filter((img) => !refs || img.names.map(familiar).some((n) => refs.some((p) => globMatch(p, n) || globMatch(p, n.replace(/:[^/:]*$/, "")))))
      .map((img) => imageListJson(img, counts.get(img.id) ?? 0));
    res.json(200, out);
  });

  r.add("GET", "/images/{name*}/json", async (req, res) => {
    res.json(200, imageInspectJson(await images.get(req.params["name"]!)));
  });

  r.add("GET", "/images/{name*}/history", async (req, res) => {
    res.json(200, imageHistoryJson(await images.get(req.params["name"]!)));
  });

  r.add("POST", "/images/{name*}/tag", async (req, res) => {
    const repo = req.query.get("repo");
    if (!repo) throw new HttpError(400, "repo is required");
    const tag = req.query.get("tag") || "latest";
    await images.tag(req.params["name"]!, `${repo}:${tag}`);
    res.empty(201);
  });

  r.add("POST", "/images/{name*}/push", async (req, res) => {
    const name = req.params["name"]!;
    const tag = req.query.get("tag") ?? "";
    const ref = tag ? `${name}:${tag}` : name;
    await images.get(ref); // 404 before the stream for an unknown image
    const credentials = registryAuth(req);
    await progressStream(req, res, "push", tag || "latest", (onProgress) =>
      images.push(ref, { signal: req.signal, onProgress, ...(credentials ? { credentials } : {}) }),
    );
  });

  r.add("DELETE", "/images/{name*}", async (req, res) => {
    const result = await images.remove(req.params["name"]!, { force: queryBool(req.query, "force"), inUse: (id) => containers.imageInUse(id) });
    res.json(200, [...result.untagged.map((u) => ({ Untagged: u })), ...result.deleted.map((d) => ({ Deleted: d }))]);
  });

  r.add("POST", "/images/prune", async (req, res) => {
    const f = parseFilters(req.query.get("filters"));
    checkFilterKeys(f, ["dangling", "label", "until"]);
    const all = f.get("dangling")?.includes("false") ?? false;
    const deleted: { Untagged?: string; Deleted?: string }[] = [];
    for (const img of await images.list()) {
      if (containers.imageInUse(img.id)) continue;
      if (!all && img.names.length > 0) continue;
      if (!labelsMatch(img.config.config?.Labels ?? {}, f.get("label"))) continue;
      const r = await images.remove(img.id, { force: true, inUse: () => false });
      deleted.push(...r.untagged.map((u) => ({ Untagged: u })), ...r.deleted.map((d) => ({ Deleted: d })));
    }
    const gc = await images.collectGarbage(new Set());
    res.json(200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: gc.bytes });
  });

  const unsupported = (what: string): Handler => async () => {
    throw new HttpError(501, `${what} is not implemented by tstack yet`);
  };
  // docker save: a tar that is both an OCI layout and a Docker archive.
  const save = async (names: readonly string[], req: ApiRequest, res: Responder) => {
    if (names.length === 0) throw new HttpError(400, "no image names given");
    for (const n of names) await images.get(n); // 404 before the stream starts
    const sink = res.stream(200, { "Content-Type": "application/x-tar" });
    for await (const chunk of images.save(names)) {
      if (req.signal.aborted) return;
      await sink.write(chunk);
    }
    sink.end();
  };
  r.add("GET", "/images/get", (req, res) => save(req.query.getAll("names"), req, res));
  r.add("GET", "/images/{name*}/get", (req, res) => save([req.params["name"]!], req, res));
  r.add("POST", "/images/load", async (req, res) => {
    const loaded = await images.load(req.body());
    const quiet = queryBool(req.query, "quiet");
    const lines = loaded.map((n) => JSON.stringify({ stream: n.startsWith("sha256:") ? `Loaded image ID: ${n}\n` : `Loaded image: ${n}\n` }) + "\n");
    const sink = res.stream(200, { "Content-Type": "application/json" });
    if (!quiet || lines.length > 0) for (const l of lines) await sink.write(l);
    sink.end();
  });
  r.add("GET", "/images/search", unsupported("searching registries"));
  r.add("POST", "/commit", unsupported("committing containers to images"));
}

function platformOf(p: string): { os: string; architecture: string; variant?: string } {
  const [os = "linux", architecture = "", variant] = p.split("/");
  if (!architecture) throw new HttpError(400, `invalid platform ${JSON.stringify(p)}: expected os/arch[/variant]`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, ".")}$`);
  return re.test(s);
}
