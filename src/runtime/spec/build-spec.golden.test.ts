// Complete config.json files for typical containers, pinned as golden files beside this
// test. Each file is a bundle config runc can be given as is (with a rootfs next to it).
// Regenerate after an intended change with: UPDATE_GOLDEN=1 npx vitest run --project unit src/runtime/spec
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSpec } from "./build-spec.ts";
import type { ImageConfig } from "./image-config.ts";
import { serializeSpec } from "./serialize.ts";
import type { BuiltSpec, HostFacts, SpecInput } from "./spec-input.ts";

const GOLDEN_DIR = join(import.meta.dirname, "__golden__");
const ID = "3f1c2b7e9a4d5c6b8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";

const BUSYBOX_PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
app:x:1000:1000:App:/home/app:/bin/sh
`;
const BUSYBOX_GROUP = `root:x:0:
daemon:x:1:
tty:x:5:
disk:x:6:
wheel:x:10:root
video:x:28:app
www-data:x:33:
users:x:100:app
app:x:1000:
nogroup:x:65534:
`;

const BUSYBOX: ImageConfig = {
  Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
  Cmd: ["sh"],
};

// This machine's shape: cgroup v1, nofile hard 20000, memlock hard 8 MiB.
const HOST: HostFacts = {
  rlimits: {
    nofile: { soft: 20000, hard: 20000 },
    memlock: { soft: 8388608, hard: 8388608 },
    nproc: { soft: 96364, hard: 96364 },
    core: { soft: 0, hard: Infinity },
  },
  cgroupVersion: 1,
  swapAccounting: false,
  cpuCount: 4,
  capLastCap: 40,
  existingSysctls: ["net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"],
  devices: [
    { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 },
    { path: "/dev/loop0", type: "b", major: 7, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
  ],
};

const BASE: SpecInput = {
  containerId: ID,
  image: BUSYBOX,
  options: { network: { kind: "path", path: `/run/tstack/netns/${ID.slice(0, 12)}` } },
  rootfsFiles: { passwd: BUSYBOX_PASSWD, group: BUSYBOX_GROUP },
  host: HOST,
  files: {
    hosts: `/var/lib/tstack/containers/${ID}/hosts`,
    resolvConf: `/var/lib/tstack/containers/${ID}/resolv.conf`,
    hostname: `/var/lib/tstack/containers/${ID}/hostname`,
  },
  cgroupsPath: `/tstack/${ID}`,
};

const CASES: Record<string, SpecInput> = {
  "busybox-default": BASE,
  "user-workdir-env": {
    ...BASE,
    image: { ...BUSYBOX, User: "app", WorkingDir: "/home/app", Env: [...(BUSYBOX.Env ?? []), "MODE=image", "KEEP=1"], StopSignal: "SIGQUIT" },
    options: {
      ...BASE.options,
      cmd: ["sh", "-c", "id && env"],
      env: ["MODE=override", "EXTRA=yes", "KEEP"],
      workingDir: "/srv/app",
      hostname: "web",
      domainname: "example.org",
      tty: true,
    },
  },
  privileged: {
    ...BASE,
    options: { ...BASE.options, privileged: true, cmd: ["sh"], devices: [{ device: { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }, containerPath: "/dev/fuse0" }] },
  },
  "readonly-tmpfs-binds-resources-init": {
    ...BASE,
    image: { Entrypoint: ["/docker-entrypoint.sh"], Cmd: ["nginx", "-g", "daemon off;"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3"], StopSignal: "SIGQUIT" },
    rootfsPath: `/var/lib/tstack/containers/${ID}/rootfs`,
    options: {
      ...BASE.options,
      user: "www-data",
      groupAdd: ["video"],
      readonlyRootfs: true,
      init: "/usr/bin/tini",
      noNewPrivileges: true,
      capDrop: ["ALL"],
      capAdd: ["chown", "setuid", "setgid", "NET_BIND_SERVICE"],
      shmSize: 128 * 1024 * 1024,
      mounts: [
        { type: "tmpfs", target: "/var/cache/nginx", size: 64 * 1024 * 1024, mode: 0o1777 },
        { type: "tmpfs", target: "/run" },
        { type: "bind", source: "/srv/site", target: "/usr/share/nginx/html", readonly: true },
        { type: "bind", source: "/srv/conf/nginx.conf", target: "/etc/nginx/nginx.conf", readonly: true, recursive: false },
        { type: "volume", source: "/var/lib/tstack/volumes/proj_logs/_data", target: "/var/log/nginx", name: "proj_logs" },
      ],
      resources: { memory: 256 * 1024 * 1024, memoryReservation: 128 * 1024 * 1024, cpus: 1.5, cpuShares: 512, cpusetCpus: "0-1", pidsLimit: 200 },
      ulimits: [{ name: "nofile", soft: 1024, hard: 65536 }, { name: "core", soft: 0, hard: Infinity }],
      sysctls: { "net.core.somaxconn": "1024" },
      devices: [{ device: { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }, permissions: "rw" }],
      annotations: { "io.tstack.project": "demo" },
    },
  },
};

function golden(name: string, built: BuiltSpec): { expected: string; actual: string } {
  const file = join(GOLDEN_DIR, `${name}.json`);
  const actual = serializeSpec(built.spec);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, actual);
  return { expected: readFileSync(file, "utf8"), actual };
}

describe("buildSpec golden files", () => {
  for (const [name, input] of Object.entries(CASES)) {
    it(`matches __golden__/${name}.json`, () => {
      const { expected, actual } = golden(name, buildSpec(input));
      expect(actual).toBe(expected);
    });
  }

  it("returns the engine's side data for the busybox default", () => {
    const built = buildSpec(CASES["busybox-default"] as SpecInput);
    expect(built.stopSignal).toBe(15);
    expect(built.stopSignalName).toBe("SIGTERM");
    expect(built.mkdirs).toEqual([]);
    expect(built.warnings).toEqual([]);
  });

  it("returns the engine's side data for the read-only case", () => {
    const built = buildSpec(CASES["readonly-tmpfs-binds-resources-init"] as SpecInput);
    expect(built.stopSignal).toBe(3);
    expect(built.mkdirs).toEqual(["/var/cache/nginx", "/run", "/var/log/nginx"]);
    expect(built.warnings).toEqual([expect.stringMatching(/ulimit nofile: hard limit 65536 exceeds the engine's own \(20000\)/)]);
  });
});
