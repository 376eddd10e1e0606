import { mkdir, readFile, rm, writeFile, appendFile, symlink, mkdtemp } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { execa } from "execa";
import { describe, it, expect, inject, beforeAll, afterAll } from "vitest";
import { childProcessRunner } from "../../src/common/spawn/child-process-runner.ts";
import { startApiServer, type ApiServer } from "../../src/api/index.ts";
import { layeredLowerView } from "../../src/runtime/snapshot/lower-view.ts";
import { getfattrOpaqueProbe } from "../../src/runtime/snapshot/opaque-probe.ts";
import { upperChanges, type FsChange } from "../../src/runtime/snapshot/upper-changes.ts";
import { readUpperDir } from "../../src/runtime/snapshot/upper-dir.ts";
import { openEngineEnv, type EngineEnv } from "../support/engine-env.ts";
import { eventually } from "../support/eventually.ts";
import { hostProgram } from "../support/host-programs.ts";

const DOCKER_CLI = hostProgram("docker");

// `docker diff`: what a container changed, read from its overlay upper dir. First the walker over
// the form the kernel itself writes (real overlay mount, real whiteouts and opaque dirs), then
// the API through dockerode and the docker CLI on real containers.
const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;
const layered = `${registry}/layered:latest`;
const opaque = getfattrOpaqueProbe(childProcessRunner());

const lines = (changes: readonly FsChange[]) => changes.map((c) => `${c.kind[0]!.toUpperCase()} ${c.path}`);

describe("the upper dir walker on a real overlay", () => {
  it("classifies what the kernel wrote, against layers with their own whiteouts and opaque dirs", async () => {
    const base = await mkdtemp(join(tmpdir(), "tstack-changes-"));
    const [bottom, top, upper, work, merged] = ["bottom", "top", "upper", "work", "merged"].map((d) => join(base, d)) as [string, string, string, string, string];
    let mounted = false;
    try {
      for (const d of [bottom, top, upper, work, merged]) await mkdir(d);
      // Bottom layer: a small image.
      for (const d of ["bin", "etc", "usr/share/doc", "usr/share/man", "var/cache/old"]) await mkdir(join(bottom, d), { recursive: true });
      await writeFile(join(bottom, "bin/busybox"), "");
      await symlink("busybox", join(bottom, "bin/vi"));
      await writeFile(join(bottom, "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
      await writeFile(join(bottom, "etc/gone"), "");
      for (const f of ["a", "b"]) await writeFile(join(bottom, "usr/share/doc", f), f);
      await writeFile(join(bottom, "usr/share/man/m"), "m");
      await writeFile(join(bottom, "var/cache/old/x"), "x");
      // Top layer, in overlay form: deletes /etc/gone, replaces /var/cache (opaque).
      await mkdir(join(top, "etc"));
      await execa("mknod", ["-m", "0", join(top, "etc/gone"), "c", "0", "0"]);
      await mkdir(join(top, "var/cache/new"), { recursive: true });
      await execa("setfattr", ["-n", "trusted.overlay.opaque", "-v", "y", join(top, "var/cache")]);

      await execa("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${top}:${bottom},upperdir=${upper},workdir=${work}`, merged]);
      mounted = true;
      // The image as a container sees it: the top layer's whiteout and opaque dir work.
      const lower = layeredLowerView([top, bottom], { opaque });
      expect([...(await lower.existing(["/etc/gone", "/var/cache/old", "/var/cache/new", "/etc/passwd"]))].sort()).toEqual(["/etc/passwd", "/var/cache/new"]);
      expect(await lower.list("/var/cache")).toEqual(["new"]);

      // What a container does.
      await appendFile(join(merged, "etc/passwd"), "app:x:1000:1000::/home/app:/bin/sh\n");
      await rm(join(merged, "bin/vi"));
      await rm(join(merged, "usr/share/doc"), { recursive: true });
      await mkdir(join(merged, "usr/share/doc"));
      await writeFile(join(merged, "usr/share/doc/b"), "b again");
      await writeFile(join(merged, "usr/share/doc/c"), "c");
      await mkdir(join(merged, "srv/www"), { recursive: true });
      await writeFile(join(merged, "srv/www/index.html"), "hi");
      await writeFile(join(merged, "etc/gone"), "back");
      await mkdir(join(merged, "var/cache/old"));
      await execa("umount", [merged]);
      mounted = false;

      const entries = await readUpperDir(upper, { opaque });
      expect(entries).toContainEqual({ kind: "whiteout", path: "/bin/vi" });
      expect(entries).toContainEqual({ kind: "opaque-dir", path: "/usr/share/doc" });
      expect(lines(await upperChanges(entries, { lower }))).toEqual([
        "M /bin",
        "D /bin/vi",
        "M /etc",
        "A /etc/gone",
        "M /etc/passwd",
        "A /srv",
        "A /srv/www",
        "A /srv/www/index.html",
        "M /usr",
        "M /usr/share",
        "M /usr/share/doc",
        "D /usr/share/doc/a",
        "M /usr/share/doc/b",
        "A /usr/share/doc/c",
        "M /var",
        "M /var/cache",
        "A /var/cache/old",
      ]);
    } finally {
      if (mounted) await execa("umount", [merged]);
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("GET /containers/{id}/changes", () => {
  let env: EngineEnv;
  let server: ApiServer;
  let docker: Docker;
  let dockerCli: (...args: string[]) => Promise<{ stdout: string }>;

  beforeAll(async () => {
    env = await openEngineEnv();
    await env.engine.images.pull(busybox);
    await env.engine.images.pull(layered);
    const socketPath = `${env.runRoot}/api.sock`;
    server = await startApiServer({ engine: env.engine, socketPath });
    docker = new Docker({ socketPath });
    const vars = { DOCKER_HOST: `unix://${socketPath}`, DOCKER_CONFIG: `${env.stateRoot}/docker-config` };
    dockerCli = (...args) => execa(DOCKER_CLI, args, { env: vars, timeout: 60_000 });
  });
  afterAll(async () => {
    await server?.close();
    await env?.[Symbol.asyncDispose]();
  });

  function rawGet(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: `${env.runRoot}/api.sock`, path }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  async function runToExit(image: string, script: string, extra: Partial<Docker.ContainerCreateOptions> = {}): Promise<Docker.Container> {
    const container = await docker.createContainer({ Image: image, Entrypoint: ["sh", "-c"], Cmd: [script], User: "root", ...extra });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`${script} exited ${StatusCode}: ${(await container.logs({ stdout: true, stderr: true })).toString()}`);
    return container;
  }

  it("lists added, changed and deleted paths, not the engine's files nor volumes", async () => {
    const script = [
      "echo hi > /hello.txt",
      "echo 'x:x:1001:1001::/:/bin/sh' >> /etc/passwd",
      "rm /bin/vi",
      "mkdir -p /srv/new && touch /srv/new/f",
      "echo in-volume > /data/v",
      "echo in-bind > /bound/b",
      "echo in-tmpfs > /scratch/t",
    ].join(" && ");
    const bindDir = await mkdtemp(join(tmpdir(), "tstack-changes-bind-"));
    try {
      const container = await runToExit(busybox, script, {
        Volumes: { "/data": {} },
        HostConfig: { Binds: [`${bindDir}:/bound`], Tmpfs: { "/scratch": "" } },
      });
      const expected = [
        { Path: "/bin", Kind: 0 },
        { Path: "/bin/vi", Kind: 2 },
        { Path: "/etc", Kind: 0 },
        { Path: "/etc/passwd", Kind: 0 },
        { Path: "/hello.txt", Kind: 1 },
        { Path: "/srv", Kind: 1 },
        { Path: "/srv/new", Kind: 1 },
        { Path: "/srv/new/f", Kind: 1 },
      ];
      expect(await container.changes()).toEqual(expected);
      expect(await readFile(join(bindDir, "b"), "utf8")).toBe("in-bind\n");

      const diff = await dockerCli("diff", container.id);
      expect(diff.stdout.split("\n")).toEqual(["C /bin", "D /bin/vi", "C /etc", "C /etc/passwd", "A /hello.txt", "A /srv", "A /srv/new", "A /srv/new/f"]);
      await container.remove({ force: true, v: true });
    } finally {
      await rm(bindDir, { recursive: true, force: true });
    }
  });

  it("answers null for a container that changed nothing, and 404 for an unknown one", async () => {
    const container = await runToExit(busybox, "cat /etc/hosts /etc/resolv.conf /etc/hostname > /dev/null");
    // Docker sends JSON null here (dockerode then hands back the raw body), never [].
    const res = await rawGet(`/v1.45/containers/${container.id}/changes`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toBeNull();
    expect((await dockerCli("diff", container.id)).stdout).toBe("");
    await container.remove({ force: true });
    await expect(docker.getContainer("no-such-container").changes()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reads a multi-layer image through its whiteouts and opaque dirs, and reports a replaced directory", async () => {
    // layered: /data/a.txt is deleted by its top layer, /data/dir is opaque there (and a VOLUME).
    const script = [
      "echo again > /data/a.txt",
      "rm /data/keep.txt",
      "rm -rf /data/other && mkdir /data/other && echo n > /data/other/n",
    ].join(" && ");
    const container = await runToExit(layered, script);
    expect(await container.changes()).toEqual([
      { Path: "/data", Kind: 0 },
      { Path: "/data/a.txt", Kind: 1 },
      { Path: "/data/keep.txt", Kind: 2 },
      { Path: "/data/other", Kind: 0 },
      { Path: "/data/other/link", Kind: 2 },
      { Path: "/data/other/n", Kind: 1 },
    ]);
    await container.remove({ force: true, v: true });
  });

  it("sees the changes of a running container", async () => {
    const container = await docker.createContainer({ Image: busybox, Cmd: ["sh", "-c", "touch /tmp/started && sleep 600"] });
    await container.start();
    try {
      const changes = await eventually(() => container.changes() as Promise<unknown>, (c) => Array.isArray(c) && c.length > 0);
      expect(changes).toEqual([
        { Path: "/tmp", Kind: 0 },
        { Path: "/tmp/started", Kind: 1 },
      ]);
    } finally {
      await container.remove({ force: true });
    }
  });
});
