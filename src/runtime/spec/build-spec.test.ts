import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import type { ImageRuntimeConfig } from "../registry/manifest-types.ts";
import { buildSpec } from "./build-spec.ts";
import type { ImageConfig } from "./image-config.ts";
import type { OciSpec } from "./oci-types.ts";
import type { SpecInput } from "./spec-input.ts";

const passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
const group = "root:x:0:\napp:x:1000:\n";

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  containerId: "abcdef0123456789abcdef0123456789",
  image: { Cmd: ["sh"], Env: ["PATH=/usr/bin:/bin"] },
  options: {},
  rootfsFiles: { passwd, group },
  host: { rlimits: {}, cgroupVersion: 2 },
  ...over,
});
const spec = (over: Partial<SpecInput> = {}): OciSpec => buildSpec(input(over)).spec;

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

describe("buildSpec", () => {
  it("accepts a pulled image's runtime config as its image config", () => {
    const pulled: ImageRuntimeConfig = { Cmd: ["sh"], Labels: { a: "b" }, Healthcheck: { Test: ["NONE"] } };
    const image: ImageConfig = pulled;
    expect(spec({ image }).process.args).toEqual(["sh"]);
  });

  it("writes what runc 1.1 expects at the top level", () => {
    const s = spec();
    expect(s.ociVersion).toBe("1.0.2-dev");
    expect(s.root).toEqual({ path: "rootfs" });
    expect(s.process.terminal).toBe(false);
    expect(s.linux.cgroupsPath).toBeUndefined();
    expect(spec({ cgroupsPath: "system.slice:tstack:abc" }).linux.cgroupsPath).toBe("system.slice:tstack:abc");
    expect(spec({ rootfsPath: "/abs/rootfs", options: { readonlyRootfs: true } }).root).toEqual({ path: "/abs/rootfs", readonly: true });
  });

  it("builds the env like Docker: PATH, HOSTNAME, TERM, image env, overrides, then HOME", () => {
    const s = spec({
      image: { Cmd: ["sh"], Env: ["PATH=/opt/bin", "A=image", "B=image"] },
      options: { env: ["B=user", "C=user", "A"], tty: true, hostname: "h1" },
    });
    expect(s.process.env).toEqual(["PATH=/opt/bin", "HOSTNAME=h1", "TERM=xterm", "B=user", "C=user", "HOME=/root"]);
  });

  it("gives PATH a default and keeps a HOME the image or user sets", () => {
    expect(spec({ image: { Cmd: ["sh"] } }).process.env?.[0]).toBe(
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
    expect(spec({ options: { env: ["HOME=/data"] } }).process.env).toContain("HOME=/data");
    expect(spec({ options: { env: ["HOME=/data"] } }).process.env?.filter((e) => e.startsWith("HOME="))).toHaveLength(1);
  });

  it("uses the container id's first 12 characters as default hostname", () => {
    const s = spec();
    expect(s.hostname).toBe("abcdef012345");
    expect(s.process.env).toContain("HOSTNAME=abcdef012345");
    expect(() => spec({ options: { hostname: "has space" } })).toThrow(/invalid hostname/);
    expect(() => spec({ options: { hostname: "x".repeat(65) } })).toThrow(/invalid hostname/);
  });

  it("takes the user from the options over the image, and HOME from passwd", () => {
    const fromImage = spec({ image: { Cmd: ["sh"], User: "app" } });
    expect(fromImage.process.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000] });
    expect(fromImage.process.env).toContain("HOME=/home/app");
    expect(spec({ image: { Cmd: ["sh"], User: "app" }, options: { user: "0:0" } }).process.user.uid).toBe(0);
    const err = errorOf(() => spec({ options: { user: "nobody-here" } }));
    expect(isKind(err, "InvalidArgument")).toBe(true);
  });

  it("gives a non-root user capabilities only in the bounding set", () => {
    const caps = spec({ options: { user: "app" } }).process.capabilities;
    expect(caps?.bounding).toHaveLength(14);
    expect(caps?.effective).toBeUndefined();
    expect(caps?.permitted).toBeUndefined();
    expect(spec().process.capabilities?.effective).toHaveLength(14);
  });

  it("resolves and cleans the working directory and asks for it to be created", () => {
    const built = buildSpec(input({ image: { Cmd: ["sh"], WorkingDir: "/app/" } }));
    expect(built.spec.process.cwd).toBe("/app");
    expect(built.mkdirs).toEqual(["/app"]);
    expect(spec({ image: { Cmd: ["sh"], WorkingDir: "/app" }, options: { workingDir: "/srv/./x" } }).process.cwd).toBe("/srv/x");
    expect(() => spec({ options: { workingDir: "relative" } })).toThrow(/working directory "relative" must be an absolute path/);
  });

  it("runs the init as PID 1 with -- before the command", () => {
    const s = spec({ image: { Entrypoint: ["/e"], Cmd: ["c"] }, options: { init: "/usr/bin/tini" } });
    expect(s.process.args).toEqual(["/sbin/docker-init", "--", "/e", "c"]);
    expect(s.mounts.find((m) => m.destination === "/sbin/docker-init")?.source).toBe("/usr/bin/tini");
  });

  it("skips the init, with a warning, outside a private pid namespace", () => {
    const built = buildSpec(input({ options: { init: "/usr/bin/tini", pid: { kind: "host" } } }));
    expect(built.spec.process.args).toEqual(["sh"]);
    expect(built.spec.mounts.some((m) => m.destination === "/sbin/docker-init")).toBe(false);
    expect(built.warnings).toEqual([expect.stringMatching(/init is ignored/)]);
    expect(built.spec.linux.namespaces.some((n) => n.type === "pid")).toBe(false);
  });

  it("picks the stop signal: options, then image, then SIGTERM", () => {
    expect(buildSpec(input()).stopSignal).toBe(15);
    expect(buildSpec(input({ image: { Cmd: ["sh"], StopSignal: "SIGINT" } })).stopSignal).toBe(2);
    const built = buildSpec(input({ image: { Cmd: ["sh"], StopSignal: "SIGINT" }, options: { stopSignal: "9" } }));
    expect([built.stopSignal, built.stopSignalName]).toEqual([9, "SIGKILL"]);
    expect(() => buildSpec(input({ image: { Cmd: ["sh"], StopSignal: "SIGNOPE" } }))).toThrow(/invalid signal/);
  });

  it("makes a cgroup namespace by default on cgroup v2 only, like Docker", () => {
    const has = (s: OciSpec) => s.linux.namespaces.some((n) => n.type === "cgroup");
    expect(has(spec())).toBe(true);
    expect(has(spec({ host: { rlimits: {}, cgroupVersion: 1 } }))).toBe(false);
    expect(has(spec({ host: { rlimits: {}, cgroupVersion: 1 }, options: { cgroupns: "private" } }))).toBe(true);
  });

  it("defaults to an empty network namespace of the container's own", () => {
    expect(spec().linux.namespaces).toContainEqual({ type: "network" });
    expect(spec({ options: { network: { kind: "host" } } }).linux.namespaces.some((n) => n.type === "network")).toBe(false);
  });

  it("drops masked and read-only paths for privileged containers", () => {
    expect(spec().linux.maskedPaths).toContain("/proc/kcore");
    expect(spec().linux.readonlyPaths).toContain("/proc/sys");
    const p = spec({ options: { privileged: true } });
    expect(p.linux.maskedPaths).toBeUndefined();
    expect(p.linux.readonlyPaths).toBeUndefined();
    expect(p.linux.resources?.devices).toEqual([{ allow: true, access: "rwm" }]);
  });

  it("sets no rlimits, seccomp or noNewPrivileges unless asked", () => {
    const s = spec();
    expect(s.process.rlimits).toBeUndefined();
    expect(s.process.noNewPrivileges).toBeUndefined();
    expect(JSON.stringify(s)).not.toMatch(/seccomp|apparmor/i);
    expect(spec({ options: { noNewPrivileges: true } }).process.noNewPrivileges).toBe(true);
  });

  it("passes annotations and oom score through", () => {
    const s = spec({ options: { annotations: { "io.tstack.service": "web" }, oomScoreAdj: 500 } });
    expect(s.annotations).toEqual({ "io.tstack.service": "web" });
    expect(s.process.oomScoreAdj).toBe(500);
    expect(spec().annotations).toBeUndefined();
    expect(() => spec({ options: { oomScoreAdj: 2000 } })).toThrow(/oom score/);
  });

  it("forwards resource and rlimit warnings", () => {
    const built = buildSpec(
      input({
        host: { rlimits: { nofile: { soft: 1024, hard: 4096 } }, cgroupVersion: 1, swapAccounting: false },
        options: { ulimits: [{ name: "nofile", soft: 8192, hard: 8192 }], resources: { memory: 64 << 20, memorySwap: 128 << 20 } },
      }),
    );
    expect(built.warnings).toHaveLength(2);
    expect(built.spec.process.rlimits).toEqual([{ type: "RLIMIT_NOFILE", soft: 4096n, hard: 4096n }]);
  });

  it("applies the engine's default ulimits", () => {
    const s = buildSpec(input({ defaultUlimits: [{ name: "nproc", soft: 100, hard: 100 }] })).spec;
    expect(s.process.rlimits).toEqual([{ type: "RLIMIT_NPROC", soft: 100n, hard: 100n }]);
  });

  it("does not mutate its input", () => {
    const i = input({ options: { env: ["A=1"], mounts: [{ type: "tmpfs", target: "/t" }] } });
    const before = JSON.stringify(i);
    buildSpec(i);
    expect(JSON.stringify(i)).toBe(before);
  });
});
