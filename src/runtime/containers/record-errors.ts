import { TstackError } from "../../common/errors.ts";

export function ambiguous(kind: string, key: string): TstackError {
  return new TstackError("InvalidArgument", `multiple ${kind}s found with provided prefix: ${key}`);
}
