import { TstackError } from "../../common/errors.ts";
import type { EngineClient, PullProgress } from "./engine-client.ts";
import { toEngineError } from "./engine-errors.ts";
import type { EngineRequest } from "./engine-http.ts";
import { strings, type EngineCalls } from "./http-call.ts";
import { jsonLines } from "./json-lines.ts";

type ImageCalls = Pick<EngineClient, "inspectImage" | "pullImage" | "pushImage" | "removeImage">;

// Docker's push wants credentials in a header even when there are none: `{}`, base64.
const NO_CREDENTIALS = Buffer.from("{}").toString("base64");

/** Images: inspect, pull and push (JSON progress streams), remove. */
export function imageCalls({ http, call }: EngineCalls): ImageCalls {
  // A pull or push that fails halfway still answers 200; the failure is a line of the stream.
  const progressStream = async (what: string, req: EngineRequest, onProgress: ((p: PullProgress) => void) | undefined): Promise<void> => {
    try {
      for await (const line of jsonLines(await http.stream(req))) {
        if (line.error !== undefined || line.errorDetail !== undefined) {
          const message = String((line.errorDetail as { message?: string } | undefined)?.message ?? line.error);
          throw new TstackError(progressErrorKind(message), `${what}: ${message}`);
        }
        const pd = line.progressDetail as { current?: number; total?: number } | undefined;
        onProgress?.({
          status: String(line.status ?? ""),
          ...(typeof line.id === "string" ? { id: line.id } : {}),
          ...(typeof pd?.current === "number" ? { current: pd.current } : {}),
          ...(typeof pd?.total === "number" ? { total: pd.total } : {}),
        });
      }
    } catch (err) {
      throw toEngineError(err, what);
    }
  };
  return {
    inspectImage: async (ref, o) => {
      const i = await call<Record<string, unknown>>(`inspect image ${ref}`, { method: "GET", path: `/images/${ref}/json`, signal: o?.signal });
      return { id: String(i?.Id ?? ""), repoTags: strings(i?.RepoTags), repoDigests: strings(i?.RepoDigests), size: Number(i?.Size ?? 0) };
    },

    pullImage: (ref, o) =>
      progressStream(`pull image ${ref}`, { method: "POST", path: "/images/create", query: { ...pullQuery(ref), platform: o?.platform }, signal: o?.signal }, o?.onProgress),

    pushImage: (ref, o) => {
      const { repo, tag } = splitTag(ref);
      return progressStream(`push ${ref}`, { method: "POST", path: `/images/${repo}/push`, query: { tag }, headers: { "X-Registry-Auth": NO_CREDENTIALS }, signal: o?.signal }, o?.onProgress);
    },

    removeImage: async (ref, o) => void (await call(`remove image ${ref}`, { method: "DELETE", path: `/images/${ref}`, query: { force: o?.force ?? false }, signal: o?.signal })),
  };
}

/**
 * `fromImage` and `tag` of a pull, split as the docker CLI splits a reference: the part after
 * the last ':' is a tag unless it holds a '/' (a registry port), a digest follows '@', and no
 * tag means latest (an empty tag would ask Docker for every tag of the repository).
 */
export function pullQuery(ref: string): { readonly fromImage: string; readonly tag: string } {
  const at = ref.indexOf("@");
  if (at >= 0) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const { repo, tag } = splitTag(ref);
  return { fromImage: repo, tag };
}

/** Splits `registry:5000/ns/name:tag` into repository and tag (latest when none). */
export function splitTag(ref: string): { readonly repo: string; readonly tag: string } {
  const colon = ref.lastIndexOf(":");
  return colon >= 0 && !ref.slice(colon + 1).includes("/") ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: "latest" };
}

function progressErrorKind(message: string): "NotFound" | "PermissionDenied" | "Unavailable" {
  if (/not found|manifest unknown|does not exist/i.test(message)) return "NotFound";
  if (/denied|unauthorized/i.test(message)) return "PermissionDenied";
  return "Unavailable";
}
