import { access } from "node:fs/promises";
import { arch, cpus, hostname, release, totalmem } from "node:os";
import { containerListJson } from "../compat/container-json.ts";
import { eventFilter, eventJson } from "../compat/event-json.ts";
import { imageListJson } from "../compat/image-json.ts";
import { volumeJson } from "../compat/volume-json.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { TstackError } from "../../common/errors.ts";
import { asObj, str } from "../compat/field-readers.ts";
import { readJson } from "../http/json-body.ts";
import type { Handler } from "../http/context.ts";
import { parseFilters } from "../http/query.ts";
import { DEFAULT_API_VERSION, MIN_API_VERSION, type Router } from "../router.ts";
import { containerJsonContext } from "./container-context.ts";
import { parseTimestampNs } from "./output.ts";

export const ENGINE_VERSION = "tstack-0.1.0";

/** Node's arch names → Go's, which Docker reports. */
export function goArch(a = arch()): string {
  return ({ x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" } as Record<string, string>)[a] ?? a;
}

export function systemRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const { engine } = deps;
  const ping: Handler = async (req, res) => {
    const headers = { "Api-Version": DEFAULT_API_VERSION, "Docker-Experimental": "false", OSType: "linux", "Builder-Version": "", "Cache-Control": "no-cache, no-store, must-revalidate", Pragma: "no-cache" };
    const sink = res.stream(200, { ...headers, "Content-Type": "text/plain; charset=utf-8", ...(req.method === "HEAD" ? { "Content-Length": "0" } : { "Content-Length": "2" }) });
    if (req.method !== "HEAD") await sink.write("OK");
    sink.end();
  };
  r.add("GET", "/_ping", ping);
  // `docker login`: the credentials are checked against the registry; the client keeps them.
  r.add("POST", "/auth", async (req, res) => {
    const body = asObj((await readJson(req)) ?? {}, "body");
    const username = str(body, "username", "username") ?? "";
    const password = str(body, "password", "password") ?? "";
    if (!username) throw new HttpError(400, "username is required");
    try {
      await deps.engine.images.login(str(body, "serveraddress", "serveraddress") ?? "", { username, password });
    } catch (err) {
      if (err instanceof TstackError && err.kind === "PermissionDenied") throw new HttpError(401, `login failed: ${err.message}`);
      throw err;
    }
    res.json(200, { Status: "Login Succeeded", IdentityToken: "" });
  });
  r.add("HEAD", "/_ping", ping);

  r.add("GET", "/version", async (_req, res) => {
    const details = { ApiVersion: DEFAULT_API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: "linux", Arch: goArch(), KernelVersion: release(), GitCommit: "", GoVersion: `node ${process.version}`, BuildTime: "", Experimental: "false" };
    res.json(200, {
      Platform: { Name: "tstack Engine" },
      Components: [{ Name: "Engine", Version: ENGINE_VERSION, Details: details }],
      Version: ENGINE_VERSION,
      ApiVersion: DEFAULT_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: "",
      GoVersion: `node ${process.version}`,
      Os: "linux",
      Arch: goArch(),
      KernelVersion: release(),
      BuildTime: "",
    });
  });

  r.add("GET", "/info", async (_req, res) => {
    const list = engine.containers.list();
    const count = (s: string[]) => list.filter((c) => s.includes(c.state.status)).length;
    const cgroupV2 = await access("/sys/fs/cgroup/cgroup.controllers").then(() => true, () => false);
    res.json(200, {
      ID: engine.paths.stateRoot,
      Containers: list.length,
      ContainersRunning: count(["running", "restarting"]),
      ContainersPaused: count(["paused"]),
      ContainersStopped: count(["created", "exited", "dead"]),
      Images: (await engine.images.list()).length,
      Driver: "overlay2",
      DriverStatus: [["Backing Filesystem", "overlayfs"]],
      Plugins: { Volume: ["local"], Network: ["bridge", "host", "null"], Authorization: null, Log: ["json-file", "local"] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: deps.now().toISOString(),
      LoggingDriver: "json-file",
      CgroupDriver: "cgroupfs",
      CgroupVersion: cgroupV2 ? "2" : "1",
      NEventsListener: 0,
      KernelVersion: release(),
      OperatingSystem: "tstack",
      OSVersion: "",
      OSType: "linux",
      Architecture: arch() === "x64" ? "x86_64" : arch(),
      IndexServerAddress: "https://index.docker.io/v1/",
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ["127.0.0.0/8"], Mirrors: [] },
      NCPU: cpus().length,
      MemTotal: totalmem(),
      DockerRootDir: engine.paths.stateRoot,
      HttpProxy: "",
      HttpsProxy: "",
      NoProxy: "",
      Name: hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: ENGINE_VERSION,
      Runtimes: { runc: { path: "runc" } },
      DefaultRuntime: "runc",
      Swarm: { NodeID: "", NodeAddr: "", LocalNodeState: "inactive", ControlAvailable: false, Error: "", RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: "",
      InitBinary: "tini",
      SecurityOptions: [],
      Warnings: [],
    });
  });

  r.add("GET", "/events", async (req, res) => {
    const filter = eventFilter(parseFilters(req.query.get("filters")));
    const sinceNs = parseTimestampNs(req.query.get("since"));
    const untilNs = parseTimestampNs(req.query.get("until"));
    const ac = new AbortController();
    req.signal.addEventListener("abort", () => ac.abort(), { once: true });
    let timer: NodeJS.Timeout | undefined;
    if (untilNs !== undefined) {
      const ms = Number(untilNs / 1_000_000n) - Date.now();
      timer = setTimeout(() => ac.abort(), Math.max(0, ms));
    }
    const sub = engine.events.subscribe({ ...(sinceNs !== undefined ? { sinceNs } : {}), filter, signal: ac.signal });
    const sink = res.stream(200, { "Content-Type": "application/json" });
    try {
      for await (const e of sub) {
        if (untilNs !== undefined && e.timeNs > untilNs) break;
        await sink.write(JSON.stringify(eventJson(e)) + "\n");
      }
    } catch {
      // the client left
    } finally {
      clearTimeout(timer);
      sub.close();
    }
    sink.end();
  });

  r.add("GET", "/system/df", async (req, res) => {
    const type = req.query.getAll("type");
    if (type.some((t) => !["container", "image", "volume", "build-cache"].includes(t))) throw new HttpError(400, `invalid type ${JSON.stringify(type)}`);
    const images = await engine.images.list();
    const containers = engine.containers.list();
    const ctx = containerJsonContext(deps);
    const used = (id: string) => containers.filter((c) => c.config.imageId === id).length;
    const volumes = await Promise.all(
      engine.volumes.list().map(async (v) =>
        volumeJson(v, { size: await engine.volumes.usage(v.name).catch(() => -1), refCount: containers.filter((c) => c.config.mounts.some((m) => m.type === "volume" && m.name === v.name)).length }),
      ),
    );
    res.json(200, {
      LayersSize: images.reduce((s, i) => s + i.size, 0),
      Images: images.map((i) => imageListJson(i, used(i.id))),
      Containers: await Promise.all(containers.map(async (c) => ({ ...containerListJson(c, await ctx(c.config.imageId)), SizeRw: 0, SizeRootFs: 0 }))),
      Volumes: volumes,
      BuildCache: [],
    });
  });
}
