import { chmod, copyFile, lutimes, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RunCommand } from "./debian-packages.ts";

// The layer every example image starts from: Debian's static busybox (a shell and the
// usual tools, for healthchecks and `exec`), the accounts the images run as, and the few
// /etc files glibc programs look for. Identical in all three images, so stored once.

export const ACCOUNTS = {
  passwd: [
    "root:x:0:0:root:/root:/bin/sh",
    "www-data:x:33:33:www-data:/var/www:/bin/false",
    "redis:x:999:999:redis:/data:/bin/false",
    "app:x:1000:1000:app:/app:/bin/sh",
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
  ],
  group: ["root:x:0:", "tty:x:5:", "www-data:x:33:", "redis:x:999:", "app:x:1000:", "nogroup:x:65534:"],
} as const;

export async function writeBaseRootfs(dir: string, busybox: string, run: RunCommand): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const d of ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "root", "proc", "sys", "dev", "run", "var/tmp"]) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await chmod(join(dir, "tmp"), 0o1777);
  await chmod(join(dir, "var/tmp"), 0o1777);
  await chmod(join(dir, "root"), 0o700);
  await copyFile(busybox, join(dir, "bin/busybox"));
  await chmod(join(dir, "bin/busybox"), 0o755);
  for (const applet of (await run(busybox, ["--list-full"])).split("\n").filter(Boolean)) {
    if (applet === "bin/busybox") continue;
    const p = join(dir, applet);
    await mkdir(dirname(p), { recursive: true });
    await symlink("/bin/busybox", p);
  }
  await writeFile(join(dir, "etc/passwd"), `${ACCOUNTS.passwd.join("\n")}\n`);
  await writeFile(join(dir, "etc/group"), `${ACCOUNTS.group.join("\n")}\n`);
  // glibc's defaults differ between versions; say it: hosts file first, then the engine's DNS.
  await writeFile(join(dir, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
}

// Same contents → same layer digest: every timestamp set to one fixed instant.
export async function normaliseTimes(dir: string, epochSeconds: number): Promise<void> {
  const walk = async (p: string): Promise<void> => {
    for (const e of await readdir(p, { withFileTypes: true })) {
      const child = join(p, e.name);
      if (e.isDirectory()) await walk(child);
      await lutimes(child, epochSeconds, epochSeconds);
    }
  };
  await walk(dir);
  await lutimes(dir, epochSeconds, epochSeconds);
}
