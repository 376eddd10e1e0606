import { spawn } from "node:child_process";
import { basename, dirname, resolve } from "node:path";
import { invalidArgument, notFound } from "../../common/errors.ts";
import { toEngineError } from "../../compose/engine-client/index.ts";
import { listProjectContainers } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";

/** `SERVICE:PATH` or a host path. A leading `./` or `/` is always a host path. Pure. */
export function parseCopyArg(arg: string): { service: string; path: string } | { host: string } {
  if (arg.startsWith("/") || arg.startsWith(".")) return { host: arg };
  const i = arg.indexOf(":");
  return i > 0 ? { service: arg.slice(0, i), path: arg.slice(i + 1) } : { host: arg };
}

/** Copies through the engine's archive API; the system `tar` packs and unpacks on the host side. */
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const [srcArg = "", dstArg = ""] = inv.args;
  const src = parseCopyArg(srcArg);
  const dst = parseCopyArg(dstArg);
  if (("host" in src) === ("host" in dst)) throw invalidArgument("cp copies between a service container (SERVICE:PATH) and the host; give exactly one of each");
  const index = typeof inv.options["index"] === "number" ? inv.options["index"] : 1;
  const svc = "service" in src ? src.service : (dst as { service: string }).service;
  const { name } = await ctx.projectOrName();
  const conn = await ctx.engine();
  const c = (await listProjectContainers(conn.docker, name, { services: [svc] })).find((x) => x.number === index);
  if (c === undefined) throw notFound(`service "${svc}" has no container ${index}`);
  const container = conn.docker.getContainer(c.id);
  try {
    if ("service" in src) {
      const target = resolve(ctx.io.cwd, (dst as { host: string }).host);
      const archive = (await container.getArchive({ path: src.path })) as NodeJS.ReadableStream;
      await runTar(["-x", "-C", dirname(target)], archive, basename(src.path) !== basename(target) ? { from: basename(src.path), to: basename(target) } : undefined);
    } else {
      const from = resolve(ctx.io.cwd, src.host);
      const tar = spawn("tar", ["-c", "-C", dirname(from), basename(from)], { stdio: ["ignore", "pipe", "inherit"] });
      const d = dst as { path: string };
      await container.putArchive(tar.stdout, { path: d.path.endsWith("/") ? d.path : dirname(d.path) });
    }
  } catch (err) {
    throw toEngineError(err, `copy ${srcArg} to ${dstArg}`);
  }
}

function runTar(args: string[], input: NodeJS.ReadableStream, rename?: { from: string; to: string }): Promise<void> {
  const extra = rename !== undefined ? [`--transform=s|^${rename.from}|${rename.to}|`] : [];
  const tar = spawn("tar", [...args, ...extra], { stdio: ["pipe", "inherit", "inherit"] });
  input.pipe(tar.stdin);
  return new Promise((res, rej) => tar.on("exit", (code) => (code === 0 ? res() : rej(new Error(`tar exited with code ${code}`)))));
}
