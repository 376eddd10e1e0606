/**
 * Orders strings by UTF-16 code units, as Go's sort.Strings orders bytes for ASCII (what Docker
 * and docker compose print). Not localeCompare: its first call builds an ICU collator, ~10 ms of
 * a CLI run's start on a slow machine, and its order depends on the locale.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
