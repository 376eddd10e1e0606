import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Instruction } from "./instruction.ts";
import { parseDockerfile, type Dockerfile } from "./parse-dockerfile.ts";

// The Dockerfiles in ../testdata follow common public patterns (multi-stage Go/Node/Python/Rust,
// heredocs, cache mounts, ARG before FROM, --platform=$BUILDPLATFORM, Windows escape).
const dir = join(import.meta.dirname, "..", "testdata");
const files = readdirSync(dir).filter((f) => f.endsWith(".Dockerfile"));
const parse = (name: string): Dockerfile => parseDockerfile(readFileSync(join(dir, name), "utf8"), { file: name });
const all = (df: Dockerfile): Instruction[] => [...df.metaArgs, ...df.stages.flatMap((s) => [s.from, ...s.instructions])];

describe("corpus", () => {
  it("has the Dockerfiles", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s: every instruction starts on the line it names", (name) => {
    const lines = readFileSync(join(dir, name), "utf8").split("\n");
    const df = parse(name);
    for (const ins of all(df)) {
      const first = (lines[ins.line - 1] ?? "").trim().split(/\s+/)[0]?.toLowerCase();
      expect(first, `${name}:${ins.line}`).toBe(ins.kind === "onbuild" ? "onbuild" : ins.kind);
      expect(ins.endLine).toBeGreaterThanOrEqual(ins.line);
    }
  });

  it("go-multistage: directives, global ARGs, platform, cache and bind mounts", () => {
    const df = parse("go-multistage.Dockerfile");
    expect(df.directives.syntax).toBe("docker/dockerfile:1.4");
    expect(df.metaArgs.flatMap((a) => a.args.map((x) => x.name))).toEqual(["GO_VERSION", "ALPINE_VERSION"]);
    expect(df.stages.map((s) => [s.name, s.from.image, s.from.platform])).toEqual([
      ["build", "golang:${GO_VERSION}-alpine", "$BUILDPLATFORM"],
      ["final", "alpine:${ALPINE_VERSION}", undefined],
    ]);
    const run = df.stages[0]?.instructions.find((i) => i.kind === "run");
    expect(run).toMatchObject({ line: 10, endLine: 13, mounts: [{ type: "cache" }, { type: "bind" }, { type: "bind" }] });
    expect(df.stages[1]?.instructions.at(-1)).toMatchObject({ kind: "entrypoint", command: { form: "exec", args: ["/bin/server"] } });
  });

  it("heredoc-setup: script, chomped quoted, COPY heredocs, two on a line, interpreter", () => {
    const runs = parse("heredoc-setup.Dockerfile").stages[0]?.instructions ?? [];
    const heredocs = runs.flatMap((i): unknown[] => (i.kind === "run" ? [i.heredocs] : i.kind === "copy" ? [i.sources] : []));
    expect(heredocs).toMatchObject([
      [{ name: "EOF", expand: true, content: expect.stringContaining("apt-get install") }],
      [{ name: "SCRIPT", expand: false, chomp: true }],
      [{ kind: "heredoc", heredoc: { name: "EOF", content: "[server]\nport = 8080\nhost = ${HOSTNAME:-0.0.0.0}\n" } }],
      [{ kind: "heredoc", heredoc: { name: "EOT", expand: false } }],
      [{ name: "FILE1", content: "I am\nfirst\n" }, { name: "FILE2", content: "I am\nsecond\n" }],
      [{ name: "PY" }],
    ]);
  });

  it("windows-escape: backtick escape, backslashes literal", () => {
    const df = parse("windows-escape.Dockerfile");
    expect(df.directives.escape).toBe("`");
    const ins = df.stages[0]?.instructions ?? [];
    expect(ins.find((i) => i.kind === "env")).toMatchObject({ pairs: [{ key: "APP_HOME", value: "C:\\app" }, { key: "LOG_DIR", value: "C:\\logs" }] });
    expect(ins.find((i) => i.kind === "workdir")).toMatchObject({ path: "C:\\app" });
    expect(ins.find((i) => i.kind === "copy")).toMatchObject({ dest: "C:\\app\\" });
  });

  it("nginx-static: lower-case `as`, MAINTAINER, COPY --from an image, HEALTHCHECK NONE", () => {
    const df = parse("nginx-static.Dockerfile");
    expect(df.stages.map((s) => s.name)).toEqual(["build-stage", "production-stage"]);
    expect(df.warnings.map((w) => w.line)).toEqual([9]);
    const copies = df.stages[1]?.instructions.filter((i) => i.kind === "copy").map((c) => c.from);
    expect(copies).toEqual(["build-stage", undefined, "nginx:1.25-alpine"]);
  });

  it("onbuild-base, python-venv, scratch-static, secrets-and-ssh, node-app, rust-cross parse to the expected shape", () => {
    expect(parse("onbuild-base.Dockerfile").stages[0]?.instructions.filter((i) => i.kind === "onbuild").length).toBe(3);
    expect(parse("python-venv.Dockerfile").stages[1]?.instructions.find((i) => i.kind === "healthcheck")).toMatchObject({
      healthcheck: { test: "cmd", interval: 30e9, retries: 3 },
    });
    expect(parse("scratch-static.Dockerfile").stages[1]?.instructions[1]).toMatchObject({ from: "0", chown: "65534:65534", chmod: "555" });
    expect(parse("secrets-and-ssh.Dockerfile").stages[0]?.instructions[1]).toMatchObject({
      mounts: [{ type: "secret" }, { type: "ssh" }],
      network: "host",
    });
    expect(parse("node-app.Dockerfile").stages.map((s) => [s.name, s.from.image])).toEqual([
      ["base", "node:${NODE_VERSION}-alpine"],
      ["deps", "base"],
      ["build", "deps"],
      ["final", "base"],
    ]);
    expect(parse("rust-cross.Dockerfile").stages).toHaveLength(4);
  });
});
