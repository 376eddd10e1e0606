import { rm } from "node:fs/promises";
import { pathExists } from "../../common/path-exists.ts";
import type { ImageService } from "../image/image-service.ts";
import { emitContainerEvent } from "./container-events.ts";
import type { ContainerRecord } from "./container-record.ts";
import type { ContainerEngineDeps, HealthControl } from "./engine-deps.ts";
import { HealthMonitor } from "./health-monitor.ts";
import type { Mounter } from "./mounter.ts";
import type { LayerPort, NetworkPort, ShimPort } from "./ports.ts";
import type { OciRuntime } from "./runc.ts";

// At engine start: containers whose shims still run are adopted as they are; exits that
// happened while the engine was away are recorded (and restart policies applied); containers
// of a restart policy that were not stopped by the user come back; what an engine killed in
// the middle of a start or a removal left behind is finished or undone.

export interface AdoptDeps extends Pick<ContainerEngineDeps, "paths" | "store" | "events" | "now" | "log"> {
  readonly images: Pick<ImageService, "find" | "get" | "ensureSnapshots">;
  readonly snapshots: Pick<LayerPort, "importActive">;
  readonly shim: Pick<ShimPort, "readExit" | "isAlive">;
  readonly runtime: Pick<OciRuntime, "state" | "kill" | "delete">;
  readonly mounter: Pick<Mounter, "isMounted" | "unmount">;
  readonly network: Pick<NetworkPort, "tearDown">;
  readonly health: Pick<HealthControl, "start">;
  handleExit(id: string): Promise<void>;
  scheduleRestart(id: string, ms: number): void;
  remove(id: string, opts: { readonly force: true }): Promise<void>;
}

export async function adoptContainers(d: AdoptDeps): Promise<void> {
  for (const rec of d.store.list()) {
    await importLegacyLayer(d, rec);
    const p = d.paths.container(rec.id);
    switch (rec.state.status) {
      case "running":
      case "paused": {
        if (await d.shim.readExit(p.exitFile)) {
          await d.handleExit(rec.id);
        } else if (await d.shim.isAlive(rec.state.shimPid, rec.id)) {
          const image = await d.images.find(rec.config.imageId);
          const health = HealthMonitor.config(image?.config.config?.Healthcheck, rec.config.healthcheck);
          if (health && rec.state.status === "running") d.health.start(rec.id, health);
        } else {
          await markLost(d, rec);
        }
        break;
      }
      case "restarting":
        d.scheduleRestart(rec.id, 0);
        break;
      case "removing":
        await d.remove(rec.id, { force: true }).catch(() => undefined);
        break;
      case "created":
      case "exited":
      case "dead":
        // An engine killed in the middle of a start leaves a runtime container, a mount
        // and a shim that the record does not know about yet: undo them.
        if (await d.runtime.state(rec.id).catch(() => undefined)) {
          await d.runtime.kill(rec.id, "SIGKILL", true).catch(() => undefined);
          await d.runtime.delete(rec.id, true).catch(() => undefined);
        }
        if (rec.state.rootfsMounted || (await d.mounter.isMounted(p.rootfs))) {
          await d.mounter.unmount(p.rootfs).catch(() => undefined);
        }
        await rm(p.exitFile, { force: true });
        break;
    }
  }
}

// Engines before the snapshotter owned writable layers kept a container's upper and work dirs
// beside its record; they move into the snapshotter (running or not: a mounted overlay follows
// its dirs), after which nothing tells such a container apart. A crash midway is finished at
// the next start.
async function importLegacyLayer(d: AdoptDeps, rec: ContainerRecord): Promise<void> {
  const legacy = d.paths.container(rec.id).legacyLayer;
  if (!(await pathExists(legacy.upper)) && !(await pathExists(legacy.work))) return;
  try {
    const image = await d.images.get(rec.config.imageId);
    const chain = await d.images.ensureSnapshots(image.id);
    await d.snapshots.importActive(rec.id, chain.at(-1), legacy);
    await rm(legacy.dir, { recursive: true, force: true });
  } catch (err) {
    d.log("warn", `container ${rec.name}: moving its writable layer into the snapshotter: ${String(err)}`);
  }
}

// The shim is gone without an exit file (killed, or the machine rebooted): the
// container's output can no longer be captured, so it is stopped and marked.
async function markLost(d: AdoptDeps, rec: ContainerRecord): Promise<void> {
  await d.store.locked(rec.id, async () => {
    const p = d.paths.container(rec.id);
    await d.runtime.kill(rec.id, "SIGKILL", true).catch(() => undefined);
    await d.runtime.delete(rec.id, true).catch(() => undefined);
    await d.mounter.unmount(p.rootfs).catch(() => undefined);
    await d.network.tearDown(rec).catch(() => undefined);
    const saved = await d.store.save({
      ...rec,
      state: {
        ...rec.state,
        status: "exited",
        exitCode: 137,
        pid: 0,
        shimPid: 0,
        finishedAt: d.now().toISOString(),
        error: "the container's monitor exited unexpectedly",
        rootfsMounted: false,
        endpoints: [],
        ports: [],
      },
    });
    emitContainerEvent(d.events, saved, "die", { exitCode: "137" });
  });
}
