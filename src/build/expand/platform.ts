// Platforms as BuildKit names them in its predefined ARGs: "os/arch[/variant]".

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** The platform the build runs on and the one it builds for (equal unless cross-building). */
export interface BuildPlatforms {
  readonly build: Platform;
  readonly target: Platform;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join("/");
}

/** Throws a plain Error naming the bad text. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split("/");
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant))
    throw new Error(`invalid platform "${text}" (expected os/arch[/variant], e.g. linux/arm64)`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT and the BUILD* ones. */
export function platformArgs(p: BuildPlatforms): ReadonlyMap<string, string> {
  const args = new Map<string, string>();
  for (const [prefix, platform] of [
    ["BUILD", p.build],
    ["TARGET", p.target],
  ] as const) {
    args.set(`${prefix}PLATFORM`, formatPlatform(platform));
    args.set(`${prefix}OS`, platform.os);
    args.set(`${prefix}ARCH`, platform.architecture);
    args.set(`${prefix}VARIANT`, platform.variant ?? "");
  }
  return args;
}
