import { isKind } from "../../common/errors.ts";
import { readTar } from "../../common/tar/index.ts";
import type { EngineClient } from "../engine-client/index.ts";

/** Who owns the files a sync writes: the container's user, so that its processes can change them. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

export const ROOT: Owner = { uid: 0, gid: 0 };

const numeric = (s: string) => /^\d+$/.test(s);

/** `name:x:uid:gid:...` lines (passwd and group share the first three fields). */
function lookup(table: string | undefined, name: string): { id: number; gid: number } | undefined {
  for (const line of (table ?? "").split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f[2] !== undefined && numeric(f[2])) return { id: Number(f[2]), gid: Number(f[3] ?? f[2]) };
  }
  return undefined;
}

/**
 * The uid and gid of a Docker user spec ("", "app", "1000", "app:staff", "1000:50") as the
 * container's /etc/passwd and /etc/group define them (absent = only numbers resolve). A user
 * without a group takes its passwd entry's primary group (0 when it has none). Pure.
 */
export function resolveOwner(user: string, passwd: string | undefined, group: string | undefined): Owner | { readonly error: string } {
  if (user === "") return ROOT;
  const [u = "", g] = user.split(":");
  const entry = numeric(u) ? undefined : lookup(passwd, u);
  if (!numeric(u) && entry === undefined) return { error: `user ${u} is not in the container's /etc/passwd` };
  const uid = entry?.id ?? Number(u);
  if (g === undefined || g === "") return { uid, gid: entry?.gid ?? byUid(passwd, uid) ?? 0 };
  if (numeric(g)) return { uid, gid: Number(g) };
  const grp = lookup(group, g);
  return grp === undefined ? { error: `group ${g} is not in the container's /etc/group` } : { uid, gid: grp.id };
}

function byUid(passwd: string | undefined, uid: number): number | undefined {
  for (const line of (passwd ?? "").split("\n")) {
    const f = line.split(":");
    if (f[2] === String(uid) && f[3] !== undefined && numeric(f[3])) return Number(f[3]);
  }
  return undefined;
}

/**
 * The owner for files synced into a container: its user (Config.User), names resolved through
 * its /etc/passwd and /etc/group, read over the archive API (no shell needed, so it works for
 * distroless images too). An unresolvable user falls back to root with a warning.
 */
export async function containerOwner(client: EngineClient, container: string, signal: AbortSignal): Promise<{ owner: Owner; warning?: string }> {
  const { user } = await client.inspectContainer(container, { signal });
  const needs = user.split(":").some((p) => p !== "" && !numeric(p));
  const [passwd, group] = needs ? await Promise.all([readContainerFile(client, container, "/etc/passwd", signal), readContainerFile(client, container, "/etc/group", signal)]) : [undefined, undefined];
  const r = resolveOwner(user, passwd, group);
  return "error" in r ? { owner: ROOT, warning: `${r.error}: synced files belong to root` } : { owner: r };
}

/** A small file of the container, or undefined when it has none. */
async function readContainerFile(client: EngineClient, container: string, path: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const { tar } = await client.getArchive(container, path, { signal });
    for await (const entry of readTar(tar)) if (entry.header.type === "file") return (await entry.readAll()).toString("utf8");
    return undefined;
  } catch (err) {
    if (isKind(err, "NotFound")) return undefined;
    throw err;
  }
}
