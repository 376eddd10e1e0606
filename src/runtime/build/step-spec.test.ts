import { describe, expect, it } from "vitest";
import type { StepProcess } from "../../build/executor/ports.ts";
import { stepCreateOptions } from "./step-spec.ts";

const base: StepProcess = {
  argv: ["/bin/sh", "-c", "make"],
  env: ["PATH=/usr/bin:/bin", "A=1"],
  workdir: "/src",
  user: "",
  mounts: [],
  network: "default",
  files: [],
  platform: { os: "linux", architecture: "amd64" },
};

describe("a RUN step's create options", () => {
  it("runs the plan's process as it is, as root by default, on the host's network", () => {
    expect(stepCreateOptions(base, "/b/files")).toEqual({
      entrypoint: ["/bin/sh", "-c", "make"],
      env: ["PATH=/usr/bin:/bin", "A=1"],
      workingDir: "/src",
      network: { kind: "host" },
      mounts: [],
    });
  });

  it("--network=none gets an empty namespace; a user is passed on", () => {
    expect(stepCreateOptions({ ...base, network: "none", user: "app:staff" }, "/b/files")).toMatchObject({ network: { kind: "none" }, user: "app:staff" });
  });

  it("mounts tmpfs and heredoc files (read-only, from the files dir by index)", () => {
    const p: StepProcess = {
      ...base,
      mounts: [{ type: "tmpfs", target: "/tmp/t", size: 1024 }],
      files: [{ path: "/dev/pipes/EOF", content: "#!/bin/sh\necho hi\n", mode: 0o755 }],
    };
    expect(stepCreateOptions(p, "/b/files").mounts).toEqual([
      { type: "tmpfs", target: "/tmp/t", size: 1024, options: ["exec"] },
      { type: "bind", source: "/b/files/0", target: "/dev/pipes/EOF", readonly: true },
    ]);
  });

  it("refuses the mounts it cannot provide yet, by kind", () => {
    const p: StepProcess = { ...base, mounts: [{ type: "bind", target: "/src", tree: { kind: "context" }, path: ".", readonly: true }] };
    expect(() => stepCreateOptions(p, "/b/files")).toThrow(expect.objectContaining({ kind: "Unimplemented" }));
  });
});
