// Scenario: `docker build` on tstack's own engine. A two-stage Dockerfile over the fixture
// busybox (stage 0 generates a script and files with RUN; stage 1 copies them with COPY --from,
// copies context files, deletes one in a later RUN and sets CMD) is built on real overlayfs and
// runc; the image runs as a container. Then: a second build is answered wholly from the cache
// (same image ID, no container); touching the context changes nothing; editing one copied file
// rebuilds from its COPY on; a failing RUN names its line, command, exit code and output and
// leaves no snapshot, mount or runc container, as does an aborted build; a .dockerignore'd
// directory is never read.
// A person can do the same by hand: the files below in a directory, `docker build .`.
import { mkdtemp, readFile, rm, utimes, writeFile, mkdir, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BuildProgressEvent } from "../../src/build/index.ts";
import { BuildStepError } from "../../src/build/index.ts";
import { BUILD_SNAPSHOT_LABEL, createEngineBuilder, type EngineBuildRequest } from "../../src/runtime/build/index.ts";
import type { LogEntry } from "../../src/runtime/logs/log-reader.ts";
import { engineWith } from "../support/engine-fixture.ts";

const registry = inject("registry");
const busybox = `${registry}/busybox:latest`;

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS gen
RUN mkdir -p /out && echo generated > /out/gen.txt && echo secret > /out/secret.txt \\
 && printf '#!/bin/sh\\necho "hello from $(cat /app/gen.txt)"\\ncat /app/msg.txt\\nls /app\\n' > /out/run.sh && chmod 755 /out/run.sh

FROM \${BASE}
COPY --from=0 /out/ /app/
COPY msg.txt /app/msg.txt
COPY data/ /app/data/
RUN cat /app/data/a.txt && rm /app/secret.txt
RUN echo built > /app/built.txt
CMD ["/app/run.sh"]
`;

const steps = (events: readonly BuildProgressEvent[], status: string) =>
  events.flatMap((e) => (e.type === "step" && e.status === status ? [`${e.stage}:${e.instruction.split(" ")[0]}`] : []));

async function collect(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(e.log.trimEnd());
  return out;
}

describe("image builds on the engine (overlay, runc)", () => {
  const env = engineWith(busybox);
  let context: string;
  const observed: { kind: string; path: string }[] = [];
  const builder = () => createEngineBuilder(env.engine, { observeContext: (e) => observed.push(e) });

  async function build(extra: Partial<EngineBuildRequest> = {}) {
    const events: BuildProgressEvent[] = [];
    const id = await builder().build({ contextDir: context, buildArgs: { BASE: busybox }, tags: ["built/app:1"], onEvent: (e) => events.push(e), ...extra });
    return { id, events, ran: events.filter((e) => e.type === "output").length };
  }

  async function runImage(image: string): Promise<{ exitCode: number; logs: string[] }> {
    const c = await env.engine.containers.create({ image, networking: { mode: { kind: "none" } } });
    try {
      const waiting = env.engine.containers.wait(c.id, "next-exit");
      await env.engine.containers.start(c.id);
      const { exitCode } = await waiting;
      return { exitCode, logs: await collect(env.engine.containers.logs(c.id)) };
    } finally {
      await env.engine.containers.remove(c.id, { force: true });
    }
  }

  // Nothing of a step may outlive the build: no active build snapshot, no mount, no runc container.
  async function leftovers(): Promise<{ snapshots: string[]; mounts: string[]; runc: string[] }> {
    const active = await env.engine.snapshotter.listActive();
    const mounts = (await readFile("/proc/self/mountinfo", "utf8")).split("\n").map((l) => l.split(" ")[4] ?? "").filter((p) => p.startsWith(env.runRoot));
    return {
      snapshots: active.filter((s) => s.labels[BUILD_SNAPSHOT_LABEL] !== undefined).map((s) => s.key),
      mounts,
      runc: (await env.engine.seams.runtime.list()).map((s) => s.id),
    };
  }

  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), "tstack-build-"));
    await writeFile(join(context, "Dockerfile"), DOCKERFILE);
    await writeFile(join(context, "msg.txt"), "message one\n");
    await mkdir(join(context, "data"));
    await writeFile(join(context, "data", "a.txt"), "file a\n");
    await writeFile(join(context, "data", "b.txt"), "file b\n");
    // Ignored: never listed or read (a FIFO in it would block a reader that opened it).
    await mkdir(join(context, "secret"));
    await writeFile(join(context, "secret", "key"), "do not read\n");
    await execa("mkfifo", [join(context, "secret", "pipe")]);
    await writeFile(join(context, ".dockerignore"), "secret\n");
  });
  afterAll(async () => {
    if (context) await rm(context, { recursive: true, force: true });
  });

  it("builds two stages; the image runs, prints what the steps made, and the deleted file is gone", async () => {
    const first = await build();
    expect(steps(first.events, "failed")).toEqual([]);
    // Stage 0's RUN and every layer step of stage 1 ran; RUN output was streamed.
    expect(steps(first.events, "done")).toEqual(expect.arrayContaining(["0:RUN", "1:COPY", "1:RUN", "1:CMD"]));
    expect(first.events.some((e) => e.type === "output" && e.chunk.includes("file a"))).toBe(true);

    const image = await env.engine.images.get("built/app:1");
    expect(image.id).toBe(first.id);
    expect((await env.engine.images.list()).map((i) => i.id)).toContain(first.id);
    expect(image.config.config?.Cmd).toEqual(["/app/run.sh"]);
    // busybox's layer, then COPY --from, COPY, COPY, RUN, RUN.
    expect(image.manifest.layers).toHaveLength(6);

    const run = await runImage("built/app:1");
    expect(run.exitCode).toBe(0);
    expect(run.logs).toEqual(["hello from generated", "message one", "built.txt", "data", "gen.txt", "msg.txt", "run.sh"]);
    expect(run.logs).not.toContain("secret.txt");
    expect(await leftovers()).toEqual({ snapshots: [], mounts: [], runc: [] });
  });

  it("a second build is answered from the cache: no step performed, no container, the same image", async () => {
    const runcBefore = await env.engine.seams.runtime.list();
    const again = await build();
    expect(again.id).toBe((await env.engine.images.get("built/app:1")).id);
    expect(steps(again.events, "done")).toEqual(["1:CMD"]); // a config step: nothing to perform
    expect(steps(again.events, "cached")).toEqual(expect.arrayContaining(["0:RUN", "1:COPY", "1:COPY", "1:COPY", "1:RUN", "1:RUN"]));
    expect(steps(again.events, "cached")).toHaveLength(6);
    expect(again.ran).toBe(0);
    expect(runcBefore).toEqual([]);
  });

  it("touching every context file changes nothing; editing one copied file rebuilds from its COPY on", async () => {
    const first = (await env.engine.images.get("built/app:1")).id;
    const later = new Date(Date.now() + 60_000);
    for (const f of ["Dockerfile", "msg.txt", "data/a.txt", "data/b.txt"]) await utimes(join(context, f), later, later);
    const touched = await build();
    expect(touched.id).toBe(first);
    expect(steps(touched.events, "cached")).toHaveLength(6);

    await writeFile(join(context, "msg.txt"), "message two\n");
    const edited = await build();
    expect(edited.id).not.toBe(first);
    expect(steps(edited.events, "cached")).toEqual(["0:RUN", "1:COPY"]); // stage 0 and COPY --from
    expect(steps(edited.events, "done")).toEqual(["1:COPY", "1:COPY", "1:RUN", "1:RUN", "1:CMD"]);
    const run = await runImage(edited.id);
    expect(run.logs.slice(0, 2)).toEqual(["hello from generated", "message two"]);
  });

  it("a failing RUN names its line, command, exit code and output, and leaves nothing behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-build-fail-"));
    try {
      await writeFile(join(dir, "Dockerfile"), `FROM ${busybox}\nRUN echo step output; echo oops >&2; exit 3\n`);
      const failed = await builder()
        .build({ contextDir: dir })
        .then(() => undefined, (err: unknown) => err);
      expect(failed).toBeInstanceOf(BuildStepError);
      const err = failed as BuildStepError;
      expect(err.line).toBe(2);
      expect(err.exitCode).toBe(3);
      expect(err.message).toContain("Dockerfile:2");
      expect(err.message).toContain('"/bin/sh -c echo step output; echo oops >&2; exit 3"');
      expect(err.message).toContain("exit code: 3");
      expect(err.outputTail).toContain("step output");
      expect(err.outputTail).toContain("oops");
      expect(await leftovers()).toEqual({ snapshots: [], mounts: [], runc: [] });
      expect(await readdir(join(env.runRoot, "b")).then((n) => n.filter((x) => x !== "empty" && x !== "m" && x !== "s"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("aborting a build kills its running step and leaves nothing behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tstack-build-abort-"));
    try {
      await writeFile(join(dir, "Dockerfile"), `FROM ${busybox}\nRUN echo started; sleep 60\n`);
      const abort = new AbortController();
      const started = Date.now();
      const failed = builder()
        .build({ contextDir: dir, signal: abort.signal, onEvent: (e) => e.type === "output" && abort.abort(new Error("stop")) })
        .then(() => undefined, (err: unknown) => err);
      expect(await failed).toMatchObject({ message: "stop" });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await leftovers()).toEqual({ snapshots: [], mounts: [], runc: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a directory the .dockerignore excludes is never listed or read, and is not in the image", async () => {
    expect(observed.length).toBeGreaterThan(0);
    expect(observed.filter((e) => e.path === "secret" || e.path.startsWith("secret/"))).toEqual([]);
    await writeFile(join(context, "Dockerfile.all"), `FROM ${busybox}\nCOPY . /ctx/\nCMD ["ls", "/ctx"]\n`);
    const all = await build({ dockerfile: "Dockerfile.all", tags: [] });
    const run = await runImage(all.id);
    expect(run.logs).toEqual(["Dockerfile", "Dockerfile.all", "data", "msg.txt"]);
    expect(observed.filter((e) => e.path.startsWith("secret"))).toEqual([]);
  });
});
