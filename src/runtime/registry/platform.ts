import { notFound } from "../../common/errors.ts";
import type { Descriptor, Platform } from "./manifest-types.ts";

/** The platform an image must be built for; `variant` only matters for ARM. */
export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

// Node's process.arch → OCI/GOARCH names.
const ARCH: Readonly<Record<string, string>> = {
  x64: "amd64",
  ia32: "386",
  arm64: "arm64",
  arm: "arm",
  ppc64: "ppc64le", // Node reports ppc64 for little-endian Linux too
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  mips: "mips",
  mipsel: "mipsle",
};

const OS: Readonly<Record<string, string>> = { win32: "windows", sunos: "solaris" };

/**
 * The OCI platform of a Node host. Inputs are injected (defaults: this process) so the
 * mapping is testable; `armVersion` is Node's `process.config.variables.arm_version`.
 */
export function hostPlatform(
  host: { platform: string; arch: string; armVersion?: string | number } = {
    platform: process.platform,
    arch: process.arch,
    armVersion: (process.config.variables as Record<string, unknown>)["arm_version"] as string | undefined,
  },
): PlatformSpec {
  const os = OS[host.platform] ?? host.platform;
  const architecture = ARCH[host.arch] ?? host.arch;
  if (architecture === "arm64") return { os, architecture, variant: "v8" };
  if (architecture === "arm") return { os, architecture, variant: `v${host.armVersion ?? 7}` };
  return { os, architecture };
}

/** `linux/arm64/v8`-style text, as Docker prints platforms. */
export function formatPlatform(p: PlatformSpec | Platform): string {
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== "").join("/");
}

/** Parses `os/arch[/variant]` (e.g. from `--platform`). */
export function parsePlatform(s: string): PlatformSpec | undefined {
  const parts = s.split("/");
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || variant === "") return undefined;
  return { os: os.toLowerCase(), architecture: architecture.toLowerCase(), ...(variant ? { variant: variant.toLowerCase() } : {}) };
}

// arm64 images commonly omit their variant; v8 is implied.
function normalisedVariant(architecture: string, variant: string | undefined): string | undefined {
  if (architecture === "arm64" && (variant === undefined || variant === "")) return "v8";
  return variant === "" ? undefined : variant;
}

/**
 * How well `candidate` suits `want`: 0 is an exact match, higher numbers are older
 * compatible ARM variants (a v7 host runs v6 and v5), undefined means it cannot run.
 */
export function platformRank(want: PlatformSpec, candidate: Platform): number | undefined {
  if (candidate.os !== want.os || candidate.architecture !== want.architecture) return undefined;
  const wantVariant = normalisedVariant(want.architecture, want.variant);
  const gotVariant = normalisedVariant(candidate.architecture, candidate.variant);
  if (wantVariant === undefined || gotVariant === wantVariant) return 0;
  if (want.architecture === "arm") {
    const w = /^v(\d+)$/.exec(wantVariant);
    if (gotVariant === undefined) return 10; // unspecified ARM variant: last resort
    const g = /^v(\d+)$/.exec(gotVariant);
    if (w && g && Number(g[1]) < Number(w[1])) return Number(w[1]) - Number(g[1]);
  }
  return undefined;
}

/**
 * Chooses the manifest for `want` among an index's entries (first best match wins, as in
 * containerd). Entries without a platform, or `unknown/unknown` attestation manifests, never
 * match. Throws NotFound listing what the index offers.
 */
export function selectPlatform(manifests: readonly Descriptor[], want: PlatformSpec, imageName: string): Descriptor {
  let best: { desc: Descriptor; rank: number } | undefined;
  for (const desc of manifests) {
    if (desc.platform === undefined) continue;
    const rank = platformRank(want, desc.platform);
    if (rank !== undefined && (best === undefined || rank < best.rank)) best = { desc, rank };
  }
  if (best !== undefined) return best.desc;
  const available = manifests
    .map((d) => d.platform)
    .filter((p): p is Platform => p !== undefined && p.os !== "unknown")
    .map(formatPlatform);
  throw notFound(
    `no matching manifest for ${formatPlatform(want)} in the manifest list of ${imageName}` +
      ` (available platforms: ${available.length > 0 ? [...new Set(available)].join(", ") : "none"})`,
  );
}
