import { isNotMounted, MountError, type NativeSpawner } from "../../common/spawn/native-spawner.ts";
import { mountinfoHas, type Mounter } from "../containers/mounter.ts";
import { readFile } from "node:fs/promises";

// The container rootfs mounts through tstack-spawn's mount(2)/umount2(2): no util-linux
// process (and its parse of /proc/self/mountinfo) per mount and unmount.
export function nativeMounter(native: Pick<NativeSpawner, "mount" | "umount">, mountinfo = () => readFile("/proc/self/mountinfo", "utf8")): Mounter {
  return {
    async mount(m, target) {
      await native.mount({ type: m.type, source: m.source, target, options: m.options, ...(m.cwd !== undefined ? { cwd: m.cwd } : {}) });
    },
    async unmount(target) {
      try {
        await native.umount(target);
      } catch (err) {
        if (isNotMounted(err)) return;
        // Busy (a process still holds a file in it): detach now, the kernel frees it later.
        if (err instanceof MountError && err.code === "EBUSY") {
          await native.umount(target, { detach: true }).catch((e: unknown) => {
            if (!isNotMounted(e)) throw e;
          });
          return;
        }
        throw err;
      }
    },
    isMounted: async (target) => mountinfoHas(await mountinfo(), target),
  };
}

/** A lazy unmount that treats "not mounted" as done (network namespace files). */
export function nativeLazyUnmount(native: Pick<NativeSpawner, "umount">): (path: string) => Promise<void> {
  return async (path) => {
    await native.umount(path, { detach: true }).catch((err: unknown) => {
      if (!isNotMounted(err)) throw err;
    });
  };
}
