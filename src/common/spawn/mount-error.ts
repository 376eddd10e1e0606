import { TstackError, type ErrorKind } from "../errors.ts";

/** A failed mount(2) or umount2(2): `code` is the errno name (EBUSY, EINVAL, ENOENT, …). */
export class MountError extends TstackError {
  readonly code: string;
  readonly target: string;
  constructor(message: string, code: string, target: string) {
    super(kindOfErrno(code), message);
    this.code = code;
    this.target = target;
  }
}

function kindOfErrno(code: string): ErrorKind {
  switch (code) {
    case "ENOENT":
      return "NotFound";
    case "EPERM":
    case "EACCES":
      return "PermissionDenied";
    case "EBUSY":
      return "Conflict";
    case "EINVAL":
      return "InvalidArgument";
    default:
      return "Internal";
  }
}

/**
 * True for an umount whose target is no mount point (EINVAL) or does not exist (ENOENT): the
 * cases umount(8) reports as "not mounted" / "no mount point specified", which an unmount
 * that only wants the target gone treats as done.
 */
export function isNotMounted(err: unknown): boolean {
  return err instanceof MountError && (err.code === "EINVAL" || err.code === "ENOENT");
}
