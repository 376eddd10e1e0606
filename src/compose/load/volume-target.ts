// The container path of a short-syntax service volume ("src:/target:ro", "/target"), or
// undefined when the string does not have that shape. Full parsing is normalisation's job; the
// merge only needs the target to know which mount an override replaces.
export function shortVolumeTarget(spec: string): string | undefined {
  const parts = spec.split(":");
  if (parts.length === 1) return parts[0];
  if (parts.length === 2 || parts.length === 3) return parts[1];
  return undefined;
}

// Whether the source of a short-syntax volume is a host path (bind mount) rather than a volume
// name: compose treats sources starting with ".", "/" or "~" as paths.
export function isHostPathSource(source: string): boolean {
  return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
}
