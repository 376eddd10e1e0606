import { invalidArgument } from "../../common/errors.ts";

// Docker's human sizes ("10m", "1g", "512k", "100"), as in `--log-opt max-size` and tmpfs `size=`.
export function parseSize(s: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) throw invalidArgument(`${field}: invalid size ${JSON.stringify(s)}`);
  const mult: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.round(Number(m[1]) * mult[m[2]!.toLowerCase()]!);
}
