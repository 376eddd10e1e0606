import { access, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { OciLayoutWriter, hostArch } from "../test/fixtures/oci-layout-builder.ts";

// The benchmark's large image (≥ 100 MB, several layers): a Debian minbase rootfs made by
// debootstrap from the machine's configured Debian mirror, split into four layers.
// Built once and cached under .cache/bench (debootstrap takes about half a minute).

const exists = (p: string) => access(p).then(() => true, () => false);

export async function bigImageLayout(cacheDir: string, log: (s: string) => void): Promise<string> {
  const layout = join(cacheDir, "layout-debian");
  if (await exists(join(layout, "index.json"))) return layout;
  const rootfs = join(cacheDir, "debian-rootfs");
  if (!(await exists(join(rootfs, "usr/bin/apt")))) {
    log("bench: debootstrap --variant=minbase bookworm (once; cached in .cache/bench)");
    await rm(rootfs, { recursive: true, force: true });
    await mkdir(cacheDir, { recursive: true });
    const mirror = await aptMirror();
    await execa("debootstrap", ["--variant=minbase", "bookworm", rootfs, mirror], { stdio: "inherit" });
  }
  // Four layers: the base without /usr/lib and /usr/share, then those two, then a small top.
  const parts = join(cacheDir, "debian-parts");
  await rm(parts, { recursive: true, force: true });
  for (const p of ["base", "lib", "share", "top/etc"]) await mkdir(join(parts, p), { recursive: true });
  await execa("cp", ["-a", `${rootfs}/.`, join(parts, "base")]);
  await mkdir(join(parts, "lib/usr"), { recursive: true });
  await mkdir(join(parts, "share/usr"), { recursive: true });
  await execa("mv", [join(parts, "base/usr/lib"), join(parts, "lib/usr/lib")]);
  await execa("mv", [join(parts, "base/usr/share"), join(parts, "share/usr/share")]);
  await execa("sh", ["-c", `echo bench > '${join(parts, "top/etc/tstack-bench")}'`]);
  const w = await OciLayoutWriter.create(layout);
  await w.tag("debian", [
    {
      architecture: hostArch(),
      layers: ["base", "lib", "share", "top"].map((p) => join(parts, p)),
      config: { Cmd: ["bash"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
    },
  ]);
  await rm(parts, { recursive: true, force: true });
  return layout;
}

async function aptMirror(): Promise<string> {
  const { stdout } = await execa("sh", ["-c", "cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true"]);
  const m = /(https?:\/\/[^\s]+\/debian)\/?(\s|$)/.exec(stdout);
  return m?.[1] ?? "http://deb.debian.org/debian";
}
