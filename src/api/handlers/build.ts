import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { invalidArgument } from "../../common/errors.ts";
import { entryComponents } from "../../common/tar/index.ts";
import { parseReference } from "../../runtime/reference/index.ts";
import { createEngineBuilder, type EngineBuilder, type EngineBuildRequest } from "../../runtime/build/engine-builder.ts";
import { extractIntoRootfs } from "../archive/tar-in.ts";
import { buildEventLines, buildResultLines } from "../compat/build-json.ts";
import { errorLine, type ProgressLine } from "../compat/progress-json.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { Handler } from "../http/context.ts";
import { queryBool } from "../http/query.ts";
import type { Router } from "../router.ts";

// Docker's classic builder endpoint (`DOCKER_BUILDKIT=0 docker build`) over the engine's own
// builder: the context tar is extracted into a temp dir under the run root (no entry may land
// outside it: tar-in.ts's rules), built, and the progress streamed as the classic JSON lines.

export const BUILDKIT_UNSUPPORTED = "BuildKit is not supported by tstack's engine; use DOCKER_BUILDKIT=0";

export interface BuildQuery {
  readonly tags: readonly string[];
  /** Relative to the context, validated to stay inside it. */
  readonly dockerfile: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly noCache: boolean;
  readonly quiet: boolean;
  /** Parameters given a value the builder does not implement: each becomes a warning line, never silence. */
  readonly ignored: readonly string[];
}

// Classic-builder parameters tstack's builder does not implement. The docker CLI sends most of
// them on every build with a neutral value ("", 0, [], {}, null, default), which says nothing.
const NOT_IMPLEMENTED = [
  "pull", "platform", "cachefrom", "networkmode", "extrahosts", "memory", "memswap", "cpushares", "cpusetcpus", "cpusetmems",
  "cpuperiod", "cpuquota", "shmsize", "cgroupparent", "ulimits", "squash", "isolation", "outputs",
] as const;
const NEUTRAL = new Set(["", "0", "false", "[]", "{}", "null", "default"]);

/** The not-implemented parameters this query gives a value. Pure. */
export function ignoredBuildParams(q: URLSearchParams): string[] {
  return NOT_IMPLEMENTED.filter((k) => q.getAll(k).some((v) => !NEUTRAL.has(v.trim())));
}

function jsonObject(q: URLSearchParams, key: string): Record<string, unknown> {
  const raw = q.get(key);
  if (raw === null || raw === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw invalidArgument(`invalid ${key}: ${(err as Error).message}`, err);
  }
  if (v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw invalidArgument(`invalid ${key}: expected a JSON object`);
  return v as Record<string, unknown>;
}

/** POST /build's query → the build's options; throws (400/501) before any stream starts. */
export function parseBuildQuery(q: URLSearchParams): BuildQuery {
  if (q.get("version") === "2") throw new HttpError(501, BUILDKIT_UNSUPPORTED);
  if (q.get("remote")) throw new HttpError(501, "building from a remote context (remote=) is not supported by tstack; send the context as the request body");
  if (Object.keys(jsonObject(q, "labels")).length > 0) throw new HttpError(501, "build labels (--label) are not implemented by tstack's builder; use LABEL in the Dockerfile");
  const tags = q.getAll("t").filter((t) => t !== "");
  for (const t of tags) parseReference(t); // 400 for a malformed name
  const dockerfile = q.get("dockerfile") || "Dockerfile";
  const parts = entryComponents(dockerfile, "dockerfile path");
  if (parts.length === 0) throw invalidArgument(`invalid dockerfile path ${JSON.stringify(dockerfile)}`);
  const buildArgs: Record<string, string> = {};
  // A null value is Docker's "take it from the daemon's environment": tstack's builder leaves it unset.
  for (const [k, v] of Object.entries(jsonObject(q, "buildargs"))) if (v !== null) buildArgs[k] = String(v);
  const target = q.get("target");
  return {
    tags,
    dockerfile: parts.join("/"),
    ...(target ? { target } : {}),
    buildArgs,
    noCache: queryBool(q, "nocache"),
    quiet: queryBool(q, "q"),
    ignored: ignoredBuildParams(q),
  };
}

export function buildRoutes(r: Router<Handler>, deps: ApiDeps): void {
  // Made on first use: one builder (and its cache handle) per server.
  let builder: EngineBuilder | undefined;

  r.add("POST", "/build", async (req, res) => {
    const opts = parseBuildQuery(req.query);
    builder ??= createEngineBuilder(deps.engine);
    const runRoot = deps.engine.paths.runRoot;
    await mkdir(runRoot, { recursive: true });
    const contextDir = await mkdtemp(join(runRoot, "build-context-"));
    try {
      await extractIntoRootfs(req.body(), { rootfs: contextDir, dir: "/" });
      const sink = res.stream(200, { "Content-Type": "application/json" });
      let writing = Promise.resolve();
      const emit = (lines: readonly ProgressLine[]) => {
        const batch = lines.map((l) => JSON.stringify(l) + "\n").join("");
        if (batch) writing = writing.then(() => sink.write(batch)).catch(() => undefined);
      };
      for (const k of opts.ignored) emit([{ stream: `[WARNING]: ${k} is not implemented by tstack's builder and was ignored${k === "pull" ? " (a local base image is used when present)" : ""}\n` }]);
      const request: EngineBuildRequest = {
        contextDir,
        dockerfile: opts.dockerfile,
        ...(opts.target !== undefined ? { target: opts.target } : {}),
        buildArgs: opts.buildArgs,
        tags: opts.tags,
        noCache: opts.noCache,
        signal: req.signal,
        onEvent: (e) => {
          if (!opts.quiet || e.type === "warning") emit(buildEventLines(e));
        },
      };
      try {
        const id = await builder.build(request);
        emit(buildResultLines(id, opts.tags, opts.quiet));
      } catch (err) {
        if (req.signal.aborted) return;
        emit([errorLine(err instanceof Error ? err.message : String(err))]);
      }
      await writing;
      sink.end();
    } finally {
      await rm(contextDir, { recursive: true, force: true });
    }
  });
}
