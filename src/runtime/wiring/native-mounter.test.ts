import { describe, expect, it } from "vitest";
import { MountError } from "../../common/spawn/native-spawner.ts";
import { nativeLazyUnmount, nativeMounter } from "./native-mounter.ts";

function fakeNative(fail: (target: string, detach: boolean) => string | undefined) {
  const calls: string[] = [];
  return {
    calls,
    native: {
      async mount(m: { type: string; target: string; options: readonly string[]; cwd?: string }) {
        calls.push(`mount ${m.type} ${m.target} ${m.options.join(",")} cwd=${m.cwd ?? "-"}`);
      },
      async umount(target: string, opts?: { detach?: boolean }) {
        const detach = opts?.detach === true;
        calls.push(`umount ${target}${detach ? " detach" : ""}`);
        const code = fail(target, detach);
        if (code) throw new MountError(`umount ${target}: ${code}`, code, target);
      },
    },
  };
}

describe("rootfs mounts through tstack-spawn", () => {
  it("passes the mount through, relative lowerdirs with their cwd", async () => {
    const f = fakeNative(() => undefined);
    await nativeMounter(f.native).mount({ type: "overlay", source: "overlay", options: ["lowerdir=a:b", "upperdir=/u"], cwd: "/s" }, "/t");
    expect(f.calls).toEqual(["mount overlay /t lowerdir=a:b,upperdir=/u cwd=/s"]);
  });

  it("treats a target that is not mounted as unmounted, and detaches a busy one", async () => {
    const notMounted = fakeNative(() => "EINVAL");
    await nativeMounter(notMounted.native).unmount("/t");
    expect(notMounted.calls).toEqual(["umount /t"]);
    const busy = fakeNative((_t, detach) => (detach ? undefined : "EBUSY"));
    await nativeMounter(busy.native).unmount("/t");
    expect(busy.calls).toEqual(["umount /t", "umount /t detach"]);
  });

  it("fails on any other error", async () => {
    const f = fakeNative(() => "EPERM");
    await expect(nativeMounter(f.native).unmount("/t")).rejects.toThrow(/EPERM/);
  });

  it("reads mount points from mountinfo", async () => {
    const info = "36 35 98:0 / /mnt/a rw - ext4 /dev/x rw\n37 35 98:0 / /mnt/b rw - ext4 /dev/x rw\n";
    const m = nativeMounter(fakeNative(() => undefined).native, async () => info);
    expect(await m.isMounted("/mnt/b")).toBe(true);
    expect(await m.isMounted("/mnt")).toBe(false);
  });

  it("unmounts a namespace file lazily; a missing one is fine", async () => {
    const f = fakeNative((t) => (t === "/gone" ? "ENOENT" : undefined));
    await nativeLazyUnmount(f.native)("/ns/a");
    await nativeLazyUnmount(f.native)("/gone");
    expect(f.calls).toEqual(["umount /ns/a detach", "umount /gone detach"]);
  });
});
