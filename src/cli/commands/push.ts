import { toEngineError } from "../../compose/engine-client/index.ts";
import { imageRef } from "../../compose/plan/index.ts";
import { checkServices, type CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";

/** Splits `registry:5000/ns/name:tag` into repository and tag (digests are not pushable refs). */
export function splitRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: "latest" };
}

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const loaded = await ctx.project(inv.args);
  checkServices(loaded, inv.args);
  const project = loaded.project;
  const refs = new Set(Object.values(project.services).filter((s) => inv.args.length === 0 || inv.args.includes(s.name)).map((s) => imageRef(project, s)));
  const conn = await ctx.engine();
  for (const ref of refs) {
    const { repo, tag } = splitRef(ref);
    try {
      const stream = (await conn.docker.getImage(repo).push({ tag })) as unknown as AsyncIterable<Buffer>;
      let failure: string | undefined;
      for await (const chunk of stream) {
        for (const line of chunk.toString().split("\n")) {
          if (line.trim() === "") continue;
          try {
            const j = JSON.parse(line) as { error?: string; status?: string; id?: string };
            if (j.error !== undefined) failure = j.error;
            else if (inv.options["quiet"] !== true && j.status !== undefined && j.id === undefined) ctx.err(`${ref}: ${j.status}`);
          } catch {
            // not JSON: ignore
          }
        }
      }
      if (failure !== undefined) throw new Error(failure);
      if (inv.options["quiet"] !== true) ctx.err(`Image ${ref}  Pushed`);
    } catch (err) {
      const e = toEngineError(err, `push ${ref}`);
      if (inv.options["ignorePushFailures"] === true) ctx.warn(e instanceof Error ? e.message : String(e));
      else throw e;
    }
  }
}
