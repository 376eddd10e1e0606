import type { ContainerRecord } from "./container-record.ts";

// What containers hold on to: a volume they mount, an image they were created from. Pure.

export function volumeInUse(records: Iterable<ContainerRecord>, name: string): boolean {
  for (const r of records) if (r.config.mounts.some((m) => m.type === "volume" && m.name === name)) return true;
  return false;
}

export function imageInUse(records: Iterable<ContainerRecord>, imageId: string): boolean {
  for (const r of records) if (r.config.imageId === imageId) return true;
  return false;
}
