import { invalidArgument } from "../../common/errors.ts";

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

export interface ResolveUserInput {
  /** `name`, `uid`, `uid:gid`, `name:group`, `uid:group`; empty or absent means root. */
  readonly user?: string;
  /** Contents of the rootfs's /etc/passwd; absent when the image has none. */
  readonly passwd?: string;
  /** Contents of the rootfs's /etc/group; absent when the image has none. */
  readonly group?: string;
  /** Docker's group_add: group names or numeric gids. */
  readonly groupAdd?: readonly string[];
}

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Primary gid first, then the user's supplementary groups, then groupAdd; no duplicates. */
  readonly additionalGids: readonly number[];
  /** From passwd; "/" when the user has no entry (as runc). */
  readonly home: string;
}

// Same limit as runc: ids must fit a signed 32-bit int.
const MAX_ID = 2 ** 31 - 1;

// Mirrors runc's GetExecUser (which Docker uses): a numeric part is an id and needs no
// entry in the files; a name must be found. An explicit group replaces the primary gid and
// suppresses the user's supplementary groups from /etc/group.
export function resolveUser(input: ResolveUserInput): ResolvedUser {
  const spec = (input.user ?? "").trim();
  const colon = spec.indexOf(":");
  const userArg = colon < 0 ? spec : spec.slice(0, colon);
  const groupArg = colon < 0 ? "" : spec.slice(colon + 1);
  if (colon >= 0 && (userArg === "" || groupArg === "")) {
    throw invalidArgument(`invalid user ${JSON.stringify(spec)}: expected user[:group]`);
  }
  const users = parsePasswd(input.passwd ?? "");
  const groups = parseGroup(input.group ?? "");

  const numericUid = parseId(userArg);
  let uid = 0;
  let gid = 0;
  let home = "/";
  let name: string | undefined;
  const entry =
    userArg === ""
      ? users.find((u) => u.uid === 0)
      : numericUid !== undefined
        ? users.find((u) => u.uid === numericUid)
        : users.find((u) => u.name === userArg);
  if (entry) {
    ({ uid, gid, home, name } = entry);
  } else if (numericUid !== undefined) {
    uid = numericUid;
  } else if (userArg !== "") {
    throw invalidArgument(`unable to find user ${userArg}: no matching entries in the image's /etc/passwd`);
  }

  let supplementary: readonly number[] = [];
  if (groupArg !== "") {
    gid = lookupGroup(groupArg, groups, "user");
  } else if (name !== undefined) {
    const member = name;
    supplementary = groups.filter((g) => g.members.includes(member)).map((g) => g.gid);
  }
  const added = (input.groupAdd ?? []).map((g) => lookupGroup(g.trim(), groups, "group_add"));
  const additionalGids = [...new Set([gid, ...supplementary, ...added])];
  return { uid, gid, additionalGids, home };
}

function lookupGroup(arg: string, groups: readonly GroupEntry[], where: string): number {
  const numeric = parseId(arg);
  if (numeric !== undefined) return numeric;
  const found = groups.find((g) => g.name === arg);
  if (!found) {
    throw invalidArgument(`unable to find group ${arg} (${where}): no matching entries in the image's /etc/group`);
  }
  return found.gid;
}

function parseId(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  if (n > MAX_ID) throw invalidArgument(`id ${text} is out of range (0-${MAX_ID})`);
  return n;
}

function dataLines(text: string): string[][] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("+") && !l.startsWith("-"))
    .map((l) => l.split(":"));
}

/** name:password:uid:gid:gecos:home:shell; malformed lines are skipped, as libc does. */
export function parsePasswd(text: string): readonly PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const f of dataLines(text)) {
    const [name, , uidText, gidText, , home] = f;
    const uid = toId(uidText);
    const gid = toId(gidText);
    if (name === undefined || name === "" || uid === undefined || gid === undefined) continue;
    out.push({ name, uid, gid, home: home === undefined || home === "" ? "/" : home });
  }
  return out;
}

/** name:password:gid:member,member */
export function parseGroup(text: string): readonly GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const f of dataLines(text)) {
    const [name, , gidText, list] = f;
    const gid = toId(gidText);
    if (name === undefined || name === "" || gid === undefined) continue;
    const members = (list ?? "").split(",").map((m) => m.trim()).filter((m) => m !== "");
    out.push({ name, gid, members });
  }
  return out;
}

function toId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_ID ? n : undefined;
}
