import { invalidArgument } from "../../common/errors.ts";
import type { ApiRequest } from "./context.ts";

const MAX_JSON_BODY = 16 * 1024 * 1024;

/** The request's JSON body; undefined when empty. Malformed JSON is a 400 naming the problem. */
export async function readJson(req: ApiRequest, limit = MAX_JSON_BODY): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req.body()) {
    size += c.length;
    if (size > limit) throw invalidArgument(`request body is larger than ${limit} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalidArgument(`malformed JSON in the request body: ${(err as Error).message}`, err);
  }
}

/** The body must be a JSON object (or absent, giving {}). */
export async function readJsonObject(req: ApiRequest): Promise<Record<string, unknown>> {
  const v = await readJson(req);
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw invalidArgument("the request body must be a JSON object");
  return v as Record<string, unknown>;
}
