import { spawn, type ChildProcess } from "node:child_process";
import { access, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { hostProgram } from "./host-programs.ts";

// A real Docker Engine (Debian's docker.io) as a peer for the compose layer. It runs on its
// own socket, data root and exec root, without touching the host's firewall or creating
// docker0 (--iptables=false --bridge=none), and is stopped by its own pid.
export interface DockerEngine {
  readonly socket: string;
  readonly pid: number;
  readonly execRoot: string;
  stop(): Promise<void>;
}

export async function dockerdAvailable(binary = hostProgram("dockerd")): Promise<boolean> {
  return access(binary).then(() => true, () => false);
}

const ping = (socket: string) =>
  new Promise<boolean>((resolve) => {
    const req = request({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.end();
  });

export async function startDockerEngine(binary = hostProgram("dockerd")): Promise<DockerEngine> {
  const dataRoot = await mkdtemp("/var/tmp/tsd-data-");
  const execRoot = await mkdtemp("/run/tsd-");
  const socket = `${execRoot}/docker.sock`;
  const child: ChildProcess = spawn(
    binary,
    ["-H", `unix://${socket}`, "--data-root", dataRoot, "--exec-root", execRoot, "--pidfile", `${execRoot}/dockerd.pid`, "--iptables=false", "--ip6tables=false", "--bridge=none"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 30_000;
  while (!(await ping(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dockerd did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    socket,
    pid: child.pid ?? -1,
    execRoot,
    async stop() {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(t);
      await rm(dataRoot, { recursive: true, force: true });
      await rm(execRoot, { recursive: true, force: true });
    },
  };
}
