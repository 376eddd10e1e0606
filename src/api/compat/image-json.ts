import type { LocalImage } from "../../runtime/image/image-service.ts";
import { familiarName, parseNamedReference } from "../../runtime/reference/index.ts";

// LocalImage → Docker's image list item, inspect document and history.

export function familiar(name: string): string {
  try {
    return familiarName(parseNamedReference(name));
  } catch {
    return name;
  }
}

const createdSeconds = (img: LocalImage) => {
  const t = Date.parse(img.config.created ?? "");
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
};

export function imageListJson(img: LocalImage, containers: number) {
  return {
    Id: img.id,
    ParentId: "",
    RepoTags: img.names.map(familiar),
    RepoDigests: img.repoDigests.map(familiar),
    Created: createdSeconds(img),
    Size: img.size,
    SharedSize: -1,
    Labels: img.config.config?.Labels ?? {},
    Containers: containers,
  };
}

export function imageInspectJson(img: LocalImage) {
  const cfg = img.config.config ?? {};
  return {
    Id: img.id,
    RepoTags: img.names.map(familiar),
    RepoDigests: img.repoDigests.map(familiar),
    Parent: "",
    Comment: "",
    Created: img.config.created ?? "0001-01-01T00:00:00Z",
    DockerVersion: "",
    Author: img.config.author ?? "",
    Config: {
      Hostname: "",
      Domainname: "",
      User: cfg.User ?? "",
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: cfg.ExposedPorts ?? null,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: cfg.Env ?? null,
      Cmd: cfg.Cmd ?? null,
      ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
      Image: "",
      Volumes: cfg.Volumes ?? null,
      WorkingDir: cfg.WorkingDir ?? "",
      Entrypoint: cfg.Entrypoint ?? null,
      OnBuild: null,
      Labels: cfg.Labels ?? null,
      ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
    },
    Architecture: img.config.architecture,
    ...(img.config.variant ? { Variant: img.config.variant } : {}),
    Os: img.config.os,
    Size: img.size,
    GraphDriver: { Name: "overlay2", Data: null },
    RootFS: { Type: "layers", Layers: img.config.rootfs.diff_ids },
    Metadata: { LastTagTime: img.recordedAt },
  };
}

export function imageHistoryJson(img: LocalImage) {
  const history = img.config.history ?? img.config.rootfs.diff_ids.map(() => ({}) as { created?: string; created_by?: string; comment?: string; empty_layer?: boolean });
  let layer = 0;
  const rows = history.map((h) => {
    const size = h.empty_layer ? 0 : (img.manifest.layers[layer++]?.size ?? 0);
    const t = Date.parse(h.created ?? "");
    return { Id: "<missing>", Created: Number.isNaN(t) ? 0 : Math.floor(t / 1000), CreatedBy: h.created_by ?? "", Tags: null as string[] | null, Size: size, Comment: h.comment ?? "" };
  });
  rows.reverse();
  if (rows[0]) rows[0] = { ...rows[0], Id: img.id, Tags: img.names.map(familiar) };
  return rows;
}
