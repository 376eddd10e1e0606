import { mkdir, readdir, stat } from "node:fs/promises";
import { invalidArgument } from "../../common/errors.ts";
import type { ProcessRunner } from "../../common/spawn/process-runner.ts";
import type { Mount } from "../spec/index.ts";
import type { VolumeStore } from "../volumes/volume-store.ts";
import type { MountRequest } from "./container-record.ts";
import { resolveInRootfs } from "./rootfs-path.ts";

// Turns the mounts a user asked for into host paths for the spec builder: named volumes
// created on demand (and filled from the image's content at their target the first time,
// as Docker does), bind sources checked, tmpfs passed through.

export interface ResolvedMounts {
  readonly mounts: readonly Mount[];
}

async function isEmptyDir(path: string): Promise<boolean> {
  return (await readdir(path).catch(() => [])).length === 0;
}

// cp -a keeps owners, modes, links and xattrs; the image's content is copied, never moved.
async function copyImageContent(runner: ProcessRunner, from: string, to: string): Promise<void> {
  const st = await stat(from).catch(() => undefined);
  if (!st?.isDirectory()) return;
  await runner.run("cp", ["-a", "--", `${from}/.`, `${to}/`]);
}

export async function resolveMounts(
  requests: readonly MountRequest[],
  deps: { readonly volumes: Pick<VolumeStore, "create" | "markPopulated">; readonly runner: ProcessRunner; readonly rootfs: string },
): Promise<ResolvedMounts> {
  const out: Mount[] = [];
  for (const m of requests) {
    switch (m.type) {
      case "bind": {
        const st = await stat(m.source).catch(() => undefined);
        if (!st) {
          if (!m.createHostPath) throw invalidArgument(`bind source path does not exist: ${m.source}`);
          await mkdir(m.source, { recursive: true });
        }
        out.push({
          type: "bind",
          source: m.source,
          target: m.target,
          ...(m.readonly ? { readonly: true } : {}),
          ...(m.propagation ? { propagation: m.propagation } : {}),
        });
        break;
      }
      case "volume": {
        if (!m.name) throw invalidArgument(`volume mount at ${m.target} has no volume name`);
        const { volume } = await deps.volumes.create({ name: m.name, labels: {} });
        if (!volume.populated && !m.noCopy && (await isEmptyDir(volume.mountpoint))) {
          await copyImageContent(deps.runner, await resolveInRootfs(deps.rootfs, m.target), volume.mountpoint);
          await deps.volumes.markPopulated(volume.name);
        }
        out.push({
          type: "volume",
          source: volume.mountpoint,
          target: m.target,
          name: volume.name,
          ...(m.readonly ? { readonly: true } : {}),
        });
        break;
      }
      case "tmpfs":
        out.push({
          type: "tmpfs",
          target: m.target,
          ...(m.size !== undefined ? { size: m.size } : {}),
          ...(m.mode !== undefined ? { mode: m.mode } : {}),
          ...(m.options ? { options: m.options } : {}),
        });
        break;
      default: {
        const never: never = m;
        throw invalidArgument(`unknown mount type ${JSON.stringify(never)}`);
      }
    }
  }
  return { mounts: out };
}
