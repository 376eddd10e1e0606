import { splitTag } from "../../compose/engine-client/index.ts";
import { images } from "../../compose/stack/images.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { stackOf } from "../stack-context.ts";
import { table } from "../table.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name } = await ctx.projectOrName();
  const rows = await images(await stackOf(ctx), name, inv.args);
  if (inv.options["quiet"] === true) {
    ctx.io.stdout.write([...new Set(rows.map((r) => r.id))].map((i) => `${i}\n`).join(""));
  } else if (inv.options["format"] === "json") {
    ctx.out(JSON.stringify(rows.map((r) => ({ ContainerName: r.container, Repository: splitTag(r.image).repo, Tag: splitTag(r.image).tag, ID: r.id, Size: r.size }))));
  } else {
    ctx.io.stdout.write(table(["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"], rows.map((r) => [r.container, splitTag(r.image).repo, splitTag(r.image).tag, r.id.replace(/^sha256:/, "").slice(0, 12), humanSize(r.size)])));
  }
}

export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)}${units[u]}`;
}
