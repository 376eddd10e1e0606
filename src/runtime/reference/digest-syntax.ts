import { invalidArgument } from "../../common/errors.ts";
import { DIGEST_SYNTAX_RE } from "./grammar.ts";

// Hex lengths of the algorithms go-digest registers; anything else is refused, as Docker does.
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Why `s` is not a valid `algorithm:hex` digest, or undefined when it is. */
export function digestProblem(s: string): string | undefined {
  if (!DIGEST_SYNTAX_RE.test(s)) return "invalid digest format (expected algorithm:hex)";
  const colon = s.indexOf(":");
  const algorithm = s.slice(0, colon);
  const hex = s.slice(colon + 1);
  const want = HEX_LENGTH[algorithm];
  if (want === undefined) return `unsupported digest algorithm "${algorithm}"`;
  if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) {
    return `invalid ${algorithm} digest: expected ${want} lowercase hex characters`;
  }
  return undefined;
}

export function validateDigest(s: string): string {
  const problem = digestProblem(s);
  if (problem !== undefined) throw invalidArgument(`invalid digest "${s}": ${problem}`);
  return s;
}
