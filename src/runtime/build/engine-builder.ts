import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { parseDockerignore, type DockerIgnore } from "../../build/context/dockerignore.ts";
import { ignoreFileCandidates } from "../../build/context/ignore-file.ts";
import { formatWarning } from "../../build/dockerfile/dockerfile-error.ts";
import { parseDockerfile } from "../../build/dockerfile/parse-dockerfile.ts";
import { executeBuild } from "../../build/executor/execute-build.ts";
import type { BuildPorts } from "../../build/executor/ports.ts";
import type { BuildProgressSink } from "../../build/executor/progress.ts";
import { planBuild } from "../../build/plan-build.ts";
import type { Engine } from "../engine.ts";
import { hostPlatform } from "../registry/platform.ts";
import { createBuildCache } from "./build-cache.ts";
import { createContextWalker } from "./context-walker.ts";
import { createBuildImages } from "./images-port.ts";
import { createRootfsMounts } from "./rootfs-mounts.ts";
import { createBuildSnapshots } from "./snapshots-port.ts";
import { createStepRunner } from "./step-runner.ts";
import type { TreeWalkOptions } from "./tree-walk.ts";

// `docker build` over the engine: the Dockerfile parsed and planned (src/build's pure front
// end), then executed over BuildPorts bound to this engine's image service, snapshotter,
// content store, runc and shims. The build cache persists under the engine's state root.

export interface EngineBuildRequest {
  /** The build context directory. */
  readonly contextDir: string;
  /** Path of the Dockerfile, relative to the context or absolute; default `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  /** A stage name; default the last stage. */
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly tags?: readonly string[];
  readonly noCache?: boolean;
  readonly signal?: AbortSignal;
  /** Step progress, RUN output and warnings (the Dockerfile's among them). */
  readonly onEvent?: BuildProgressSink;
}

export interface EngineBuilder {
  /** Builds and stores the image; resolves with its ID (the config digest). */
  build(request: EngineBuildRequest): Promise<string>;
}

export interface EngineBuilderOptions {
  /** Observes the context walker's reads and listings (tests: what a .dockerignore kept out was never read). */
  readonly observeContext?: TreeWalkOptions["observe"];
}

export function createEngineBuilder(engine: Engine, options: EngineBuilderOptions = {}): EngineBuilder {
  const { snapshotter, content, images, paths, seams } = engine;
  const mounts = createRootfsMounts({ runDir: paths.buildRun, snapshotter, mounter: seams.mounter });
  const cache = createBuildCache({
    dir: paths.buildCache,
    hasSnapshot: (chainId) => snapshotter.has(chainId),
    hasBlob: (digest) => content.has(digest),
  });
  const runner = createStepRunner({ runDir: paths.buildRun, mounts, runtime: seams.runtime, shim: seams.shim, host: seams.host });
  const buildImages = createBuildImages({ images, content });
  const platform = hostPlatform();

  return {
    async build(r) {
      const contextDir = resolve(r.contextDir);
      const dockerfilePath = r.dockerfile === undefined ? resolve(contextDir, "Dockerfile") : isAbsolute(r.dockerfile) ? r.dockerfile : resolve(contextDir, r.dockerfile);
      const file = r.dockerfile ?? "Dockerfile";
      const dockerfile = parseDockerfile(await readFile(dockerfilePath, "utf8"), { file });
      const plan = planBuild({
        dockerfile,
        ...(r.target === undefined ? {} : { target: r.target }),
        buildArgs: new Map(Object.entries(r.buildArgs ?? {})),
        platforms: { build: platform, target: platform },
      });
      for (const w of plan.warnings) r.onEvent?.({ type: "warning", message: formatWarning(w) });
      const ignore = await readIgnore(contextDir, dockerfilePath);
      const ports: BuildPorts = {
        images: buildImages,
        snapshots: createBuildSnapshots({ snapshotter, mounts, contextDir }),
        runner,
        context: createContextWalker({ dir: contextDir, ...(ignore ? { ignore } : {}), ...(options.observeContext ? { observe: options.observeContext } : {}) }),
        cache,
        now: seams.now,
        newId: () => randomBytes(6).toString("hex"),
        ...(r.onEvent ? { onEvent: r.onEvent } : {}),
      };
      const out = await executeBuild(plan, ports, {
        ...(r.tags ? { tags: r.tags } : {}),
        ...(r.noCache ? { noCache: true } : {}),
        ...(r.signal ? { signal: r.signal } : {}),
      });
      return out.imageId;
    },
  };
}

// The first ignore file that exists (ignore-file.ts), read by path.
async function readIgnore(contextDir: string, dockerfilePath: string): Promise<DockerIgnore | undefined> {
  for (const candidate of ignoreFileCandidates(contextDir, dockerfilePath)) {
    const text = await readFile(candidate, "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (text !== undefined) return parseDockerignore(text, candidate);
  }
  return undefined;
}
