import { posix } from "node:path";
import type { StepProcess } from "../../build/executor/ports.ts";
import { unimplemented } from "../../common/errors.ts";
import type { ContainerCreateOptions, Mount } from "../spec/index.ts";

// A RUN step's container, as create options for the engine's spec builder (pure). The process
// is the plan's (argv, env with the image's and the stage's, workdir, user); nothing comes from
// an image config. Network: RUN's default is the host's network namespace (the step reaches
// what the host reaches, as BuildKit's host network mode; a bridge of the build's own is to
// come); `--network=none` gets a new empty namespace. Heredoc files are bind-mounted read-only
// from `filesDir`. Bind, cache, secret and ssh mounts are not supported yet and are refused.

export function stepCreateOptions(p: StepProcess, filesDir: string): ContainerCreateOptions {
  const mounts: Mount[] = [];
  for (const m of p.mounts) {
    switch (m.type) {
      case "tmpfs":
        mounts.push({ type: "tmpfs", target: m.target, ...(m.size === undefined ? {} : { size: m.size }), options: ["exec"] });
        break;
      case "bind":
      case "cache":
      case "secret":
      case "ssh":
        throw unimplemented(`RUN --mount=type=${m.type} is not supported by this engine yet`);
    }
  }
  p.files.forEach((f, i) => mounts.push({ type: "bind", source: posix.join(filesDir, String(i)), target: f.path, readonly: true }));
  return {
    entrypoint: p.argv,
    env: p.env,
    workingDir: p.workdir,
    ...(p.user === "" ? {} : { user: p.user }),
    network: p.network === "none" ? { kind: "none" } : { kind: "host" },
    mounts,
  };
}

/** The hostname a step sees, as BuildKit's. */
export const STEP_HOSTNAME = "buildkitsandbox";

/** /etc/hosts of a step on the host's network. */
export function stepHostsFile(): string {
  return `127.0.0.1\tlocalhost ${STEP_HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
}
