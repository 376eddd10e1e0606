import { rm } from "node:fs/promises";
import { conflict, isKind } from "../../common/errors.ts";
import { emitContainerEvent } from "./container-events.ts";
import { volumeInUse } from "./container-usage.ts";
import type { VolumeStore } from "../volumes/volume-store.ts";
import type { ContainerEngineDeps } from "./engine-deps.ts";
import type { ExecManager } from "./exec-manager.ts";
import type { Mounter } from "./mounter.ts";
import type { LayerPort, NetworkPort } from "./ports.ts";
import type { OciRuntime } from "./runc.ts";
import type { StopResult } from "./stop-container.ts";

// `docker rm`: a running container only with force (stopped at once first); then everything it
// holds is released in order (runtime state, rootfs mount, network, writable layer, files, exec
// records, the record itself) and, when asked, its anonymous volumes.

export interface RemoveDeps extends Pick<ContainerEngineDeps, "paths" | "store" | "events" | "log"> {
  readonly volumes: Pick<VolumeStore, "remove">;
  readonly runtime: Pick<OciRuntime, "hasState" | "delete">;
  readonly mounter: Pick<Mounter, "isMounted" | "unmount">;
  readonly network: Pick<NetworkPort, "tearDown">;
  readonly snapshots: Pick<LayerPort, "remove">;
  readonly execs: Pick<ExecManager, "cleanup">;
  readonly restarts: { forget(id: string): void };
  stop(id: string, timeoutSeconds: number): Promise<StopResult>;
}

export interface RemoveOptions {
  readonly force?: boolean;
  /** Its anonymous volumes too (`docker rm -v`, `--rm`). */
  readonly volumes?: boolean;
}

export async function removeContainer(d: RemoveDeps, idOrName: string, opts: RemoveOptions = {}): Promise<void> {
  const rec = d.store.get(idOrName);
  if (rec.state.status === "running" || rec.state.status === "paused" || rec.state.status === "restarting") {
    if (!opts.force) {
      throw conflict(`You cannot remove a ${rec.state.status} container ${rec.id}. Stop the container before attempting removal or force remove`);
    }
    await d.stop(rec.id, 0);
  }
  d.restarts.forget(rec.id);
  await d.store.locked(rec.id, async () => {
    const cur = d.store.find(rec.id);
    if (!cur) return;
    await d.store.save({ ...cur, state: { ...cur.state, status: "removing" } });
    const p = d.paths.container(cur.id);
    // Usually released already when the container exited; check cheaply before spawning anything.
    if (await d.runtime.hasState(cur.id)) await d.runtime.delete(cur.id, true).catch(() => undefined);
    if (await d.mounter.isMounted(p.rootfs)) await d.mounter.unmount(p.rootfs);
    await d.network.tearDown(cur);
    await d.snapshots.remove(cur.id).catch((err: unknown) => {
      if (!isKind(err, "NotFound")) throw err;
    });
    await rm(p.bundle, { recursive: true, force: true });
    await rm(p.exitFile, { force: true });
    await d.execs.cleanup(cur.id);
    await d.store.delete(cur.id);
    if (opts.volumes) {
      for (const v of cur.anonymousVolumes) {
        await d.volumes
          .remove(v, { force: true, inUse: volumeInUse(d.store.list(), v) })
          .catch((err) => d.log("warn", `removing volume ${v}: ${String(err)}`));
      }
    }
    emitContainerEvent(d.events, cur, "destroy");
  });
}
