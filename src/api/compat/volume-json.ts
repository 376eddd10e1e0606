import type { Volume } from "../../runtime/volumes/volume-store.ts";

export function volumeJson(v: Volume, usage?: { size: number; refCount: number }) {
  return {
    Name: v.name,
    Driver: v.driver,
    Mountpoint: v.mountpoint,
    CreatedAt: v.createdAt,
    Labels: v.labels,
    Scope: "local",
    Options: Object.keys(v.options).length ? v.options : null,
    ...(usage ? { UsageData: { Size: usage.size, RefCount: usage.refCount } } : {}),
  };
}
