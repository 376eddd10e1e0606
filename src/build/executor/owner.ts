import { invalidArgument } from "../../common/errors.ts";
import { parseGroup, parsePasswd } from "../../runtime/spec/index.ts";

// `--chown=user[:group]` and the user a WORKDIR is created for, resolved as BuildKit's file
// operations do (solver/llbsolver/file readUser): a user name through the rootfs's /etc/passwd
// gives its uid and primary gid; a number is the uid and also the gid; an explicit group (a name
// through /etc/group, or a number) replaces the gid. Not runc's exec-user rules (resolveUser):
// no supplementary groups, and a numeric user's gid is not looked up.

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** The rootfs files a spec needs read; both false for a numeric spec. */
export function ownerFilesNeeded(spec: string): { readonly passwd: boolean; readonly group: boolean } {
  const { user, group } = split(spec);
  return { passwd: !isId(user), group: group !== undefined && !isId(group) };
}

export function resolveOwner(spec: string, files: { readonly passwd?: string; readonly group?: string }): Owner {
  const { user, group } = split(spec);
  let uid: number;
  let gid: number;
  if (isId(user)) uid = gid = Number(user);
  else {
    const entry = parsePasswd(files.passwd ?? "").find((u) => u.name === user);
    if (entry === undefined) throw invalidArgument(`unable to find user ${user}: no matching entries in the image's /etc/passwd`);
    ({ uid, gid } = entry);
  }
  if (group !== undefined) {
    if (isId(group)) gid = Number(group);
    else {
      const entry = parseGroup(files.group ?? "").find((g) => g.name === group);
      if (entry === undefined) throw invalidArgument(`unable to find group ${group}: no matching entries in the image's /etc/group`);
      gid = entry.gid;
    }
  }
  return { uid, gid };
}

function split(spec: string): { user: string; group?: string } {
  const text = spec.trim();
  const colon = text.indexOf(":");
  const user = colon < 0 ? text : text.slice(0, colon);
  const group = colon < 0 ? undefined : text.slice(colon + 1);
  if (user === "" || group === "") throw invalidArgument(`invalid user ${JSON.stringify(spec)}: expected user[:group]`);
  return group === undefined ? { user } : { user, group };
}

function isId(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) <= 2 ** 32 - 1;
}
