import { failedPrecondition, notFound } from "../../common/errors.ts";
import type { ImageService } from "../image/image-service.ts";
import type { ContainerCreateOptions, ImageHealthcheck } from "../spec/index.ts";
import type { VolumeStore } from "../volumes/volume-store.ts";
import { initialState, type ContainerConfig, type ContainerNetworking, type ContainerRecord, type LogConfig, type MountRequest } from "./container-record.ts";
import { emitContainerEvent } from "./container-events.ts";
import { generateName, normalizeContainerName } from "./container-names.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";
import type { LayerPort } from "./ports.ts";
import type { RestartPolicy } from "./restart-policy.ts";

// `docker create`: a record with Docker's defaults, anonymous volumes for nameless volume mounts
// and the image's VOLUMEs, and the writable layer prepared over the image. Nothing runs yet.

export interface CreateContainerRequest {
  readonly name?: string;
  readonly image: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly options?: Omit<ContainerCreateOptions, "mounts" | "init" | "network">;
  readonly init?: boolean;
  readonly mounts?: readonly MountRequest[];
  readonly networking?: Partial<ContainerNetworking>;
  readonly restartPolicy?: RestartPolicy;
  readonly healthcheck?: ImageHealthcheck;
  readonly log?: LogConfig;
  readonly stopTimeoutSeconds?: number;
  readonly autoRemove?: boolean;
}

export interface CreateDeps extends Pick<ContainerEngineDeps, "store" | "events" | "initBinary" | "now" | "randomId" | "random"> {
  readonly images: Pick<ImageService, "find" | "ensureSnapshots">;
  readonly snapshots: Pick<LayerPort, "prepare" | "remove">;
  readonly volumes: Pick<VolumeStore, "create" | "remove">;
}

/** The stored configuration of a new container: the request with Docker's defaults. Pure. */
export function containerConfig(req: CreateContainerRequest, imageId: string, mounts: readonly MountRequest[]): ContainerConfig {
  const n = req.networking;
  const networking: ContainerNetworking = {
    mode: n?.mode ?? { kind: "bridge" },
    networks: n?.networks ?? {},
    portBindings: n?.portBindings ?? [],
    exposedPorts: n?.exposedPorts ?? [],
    ...(n?.dns ? { dns: n.dns } : {}),
    ...(n?.dnsSearch ? { dnsSearch: n.dnsSearch } : {}),
    ...(n?.dnsOptions ? { dnsOptions: n.dnsOptions } : {}),
    ...(n?.links ? { links: n.links } : {}),
    ...(n?.publishAllPorts ? { publishAllPorts: true } : {}),
  };
  return {
    image: req.image,
    imageId,
    labels: req.labels ?? {},
    options: req.options ?? {},
    init: req.init ?? false,
    mounts,
    networking,
    restartPolicy: req.restartPolicy ?? { name: "no" },
    ...(req.healthcheck ? { healthcheck: req.healthcheck } : {}),
    log: req.log ?? {},
    ...(req.stopTimeoutSeconds !== undefined ? { stopTimeoutSeconds: req.stopTimeoutSeconds } : {}),
    autoRemove: req.autoRemove ?? false,
  };
}

export async function createContainer(d: CreateDeps, req: CreateContainerRequest): Promise<ContainerRecord> {
  const image = await d.images.find(req.image);
  if (!image) throw notFound(`No such image: ${req.image}`);
  // Before any volume is created for it.
  if (req.init && !d.initBinary) throw failedPrecondition("init: true needs tini (apt-get install tini)");
  const id = d.randomId();
  const name = req.name ? normalizeContainerName(req.name) : generateName(d.random, (n) => d.store.nameTaken(n));
  const mounts: MountRequest[] = [];
  const anonymous: string[] = [];
  const removeAnonymous = async () => {
    for (const v of anonymous) await d.volumes.remove(v, { inUse: false, force: true }).catch(() => undefined);
  };
  try {
    for (const m of req.mounts ?? []) {
      if (m.type === "volume" && !m.name) {
        const { volume } = await d.volumes.create({ anonymous: true });
        anonymous.push(volume.name);
        mounts.push({ ...m, name: volume.name });
      } else mounts.push(m);
    }
    // The image's VOLUMEs not covered by a mount get anonymous volumes, as in Docker.
    for (const target of Object.keys(image.config.config?.Volumes ?? {})) {
      if (mounts.some((m) => m.target === target)) continue;
      const { volume } = await d.volumes.create({ anonymous: true });
      anonymous.push(volume.name);
      mounts.push({ type: "volume", name: volume.name, target });
    }
  } catch (err) {
    await removeAnonymous();
    throw err;
  }
  const rec: ContainerRecord = {
    id,
    name,
    createdAt: d.now().toISOString(),
    config: containerConfig(req, image.id, mounts),
    state: initialState(),
    anonymousVolumes: anonymous,
  };
  try {
    await d.store.add(rec);
    const chain = await d.images.ensureSnapshots(image.id);
    await d.snapshots.prepare(id, chain.at(-1));
  } catch (err) {
    await d.store.delete(id).catch(() => undefined);
    await removeAnonymous();
    throw err;
  }
  emitContainerEvent(d.events, rec, "create");
  return rec;
}
