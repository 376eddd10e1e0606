import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import type { CgroupFs, CgroupLayout } from "../cgroups/cgroup-layout.ts";
import type { EnginePaths } from "../engine-paths.ts";
import type { EventBus } from "../events/event-bus.ts";
import type { ImageService } from "../image/image-service.ts";
import type { HostFacts } from "../spec/index.ts";
import type { VolumeStore } from "../volumes/volume-store.ts";
import type { ContainerStore } from "./container-store.ts";
import type { HealthConfig } from "./health-state.ts";
import type { Mounter } from "./mounter.ts";
import type { LayerPort, NetworkPort, ShimPort } from "./ports.ts";
import type { ProcessSignaller } from "./process-signal.ts";
import type { OciRuntime } from "./runc.ts";

/** The seams a ContainerEngine is built from (src/runtime/engine.ts binds them; tests fake them). */
export interface ContainerEngineDeps {
  readonly paths: EnginePaths;
  readonly store: ContainerStore;
  readonly images: Pick<ImageService, "find" | "get" | "ensureSnapshots">;
  readonly snapshots: LayerPort;
  readonly volumes: Pick<VolumeStore, "create" | "remove" | "markPopulated">;
  readonly network: NetworkPort;
  readonly runtime: OciRuntime;
  readonly shim: ShimPort;
  readonly mounter: Mounter;
  /** The programs a container's start runs itself (cp of an image's content into a new volume). */
  readonly runner: ProcessRunner;
  readonly events: EventBus;
  readonly host: HostFacts;
  readonly cgroups: { readonly layout: CgroupLayout; readonly fs: CgroupFs };
  /** Signals init processes without a runtime process (default: through /proc and kill(2)). */
  readonly signaller?: ProcessSignaller;
  /** Host path of the tiny init for `init: true` (Debian's tini). */
  readonly initBinary?: string;
  readonly now: () => Date;
  readonly randomId: () => string;
  readonly random: () => number;
  readonly log: EngineLog;
}

export type EngineLog = (level: "debug" | "info" | "warn" | "error", msg: string) => void;

/** Healthchecks as the lifecycle steps see them: started with a running container, stopped at its exit. */
export interface HealthControl {
  start(id: string, cfg: HealthConfig): void;
  stop(id: string): void;
}
