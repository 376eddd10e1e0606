import { listProjectContainers } from "../containers.ts";
import type { CommandContext } from "../context.ts";
import type { Invocation } from "../program.ts";
import { table } from "../table.ts";
import { splitRef } from "./push.ts";

export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const { name } = await ctx.projectOrName();
  const conn = await ctx.engine();
  const containers = await listProjectContainers(conn.docker, name, { services: inv.args });
  const rows: { container: string; repo: string; tag: string; id: string; size: number }[] = [];
  for (const c of containers) {
    let id = "";
    let size = 0;
    try {
      const i = (await conn.docker.getImage(c.image).inspect()) as { Id?: string; Size?: number };
      id = i.Id ?? "";
      size = i.Size ?? 0;
    } catch {
      // image removed since; still list the container
    }
    const { repo, tag } = splitRef(c.image);
    rows.push({ container: c.name, repo, tag, id, size });
  }
  if (inv.options["quiet"] === true) {
    ctx.io.stdout.write([...new Set(rows.map((r) => r.id))].map((i) => `${i}\n`).join(""));
  } else if (inv.options["format"] === "json") {
    ctx.out(JSON.stringify(rows.map((r) => ({ ContainerName: r.container, Repository: r.repo, Tag: r.tag, ID: r.id, Size: r.size }))));
  } else {
    ctx.io.stdout.write(table(["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"], rows.map((r) => [r.container, r.repo, r.tag, r.id.replace(/^sha256:/, "").slice(0, 12), humanSize(r.size)])));
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
