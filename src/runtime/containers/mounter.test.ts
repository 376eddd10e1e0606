import { describe, expect, it } from "vitest";
import { fakeProcessRunner } from "../../common/spawn/testing/fake-process-runner.ts";
import { createMounter, mountinfoHas } from "./mounter.ts";

describe("mounts through util-linux's programs", () => {
  it("runs mount with the type, options and cwd, and names the target and stderr when it fails", async () => {
    const runner = fakeProcessRunner(({ args }) => (args.includes("/bad") ? { exitCode: 32, stderr: "mount: /bad: wrong fs type.\n" } : ""));
    const m = createMounter(runner);
    await m.mount({ type: "overlay", source: "overlay", options: ["lowerdir=1:2", "upperdir=/u"], cwd: "/s" }, "/t");
    expect(runner.commands()).toEqual(["mount -t overlay -o lowerdir=1:2,upperdir=/u overlay /t"]);
    expect(runner.calls[0]?.options).toMatchObject({ cwd: "/s", allowFailure: true });
    await expect(m.mount({ type: "tmpfs", source: "tmpfs", options: [] }, "/bad")).rejects.toThrow("mounting tmpfs at /bad: mount: /bad: wrong fs type.");
  });

  it("treats a target that is not mounted as unmounted, and detaches a busy one", async () => {
    const notMounted = fakeProcessRunner(() => ({ exitCode: 32, stderr: "umount: /t: not mounted.\n" }));
    await createMounter(notMounted).unmount("/t");
    expect(notMounted.commands()).toEqual(["umount /t"]);
    const busy = fakeProcessRunner(({ args }) => (args[0] === "--lazy" ? "" : { exitCode: 32, stderr: "umount: /t: target is busy.\n" }));
    await createMounter(busy).unmount("/t");
    expect(busy.commands()).toEqual(["umount /t", "umount --lazy /t"]);
    const stuck = fakeProcessRunner(() => ({ exitCode: 32, stderr: "umount: /t: permission denied\n" }));
    await expect(createMounter(stuck).unmount("/t")).rejects.toThrow("unmounting /t: umount: /t: permission denied");
  });

  it("reads mount points from mountinfo", () => {
    const info = "36 35 98:0 / /mnt/a rw - ext4 /dev/x rw\n";
    expect(mountinfoHas(info, "/mnt/a")).toBe(true);
    expect(mountinfoHas(info, "/mnt")).toBe(false);
  });
});
