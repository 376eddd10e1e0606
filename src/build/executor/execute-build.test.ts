import { describe, expect, it } from "vitest";
import { LAYER_MEDIA_TYPE } from "./in-snapshot.ts";
import { build, fakes, outcomes } from "./testing/build-fixture.ts";

const APP = `FROM alpine
WORKDIR /app
COPY app.js .
RUN echo built > out.txt
ENV MODE=prod
CMD ["node", "app.js"]
`;

describe("executeBuild", () => {
  it("builds layers, the image config and its history, and stores the image with its tags", async () => {
    const f = fakes({ "app.js": "console.log(1)" });
    const out = await build(f, APP, { tags: ["app:latest"] });

    expect(outcomes(out)).toEqual({ 0: ["built", "built", "built", "config", "config"] });
    // The base's layer, then WORKDIR (it created /app), COPY and RUN.
    expect(out.layers).toHaveLength(4);
    expect(out.config.rootfs.diff_ids).toEqual(out.layers.map((l) => l.diffId));
    expect(out.layers.slice(1).every((l) => l.blob.mediaType === LAYER_MEDIA_TYPE)).toBe(true);
    expect(out.config.history?.map((h) => [h.created_by, h.empty_layer ?? false])).toEqual([
      ["/bin/sh -c #(nop) ADD alpine", false],
      ["WORKDIR /app", false],
      ["COPY app.js /app/ # buildkit", false],
      ["RUN /bin/sh -c echo built > out.txt # buildkit", false],
      ["ENV MODE=prod", true],
      ['CMD ["node" "app.js"]', true],
    ]);
    expect(out.config).toMatchObject({
      architecture: "amd64",
      os: "linux",
      // The newest layer's (the RUN's), not the build's start: the fake clock ticks once a call.
      created: "2024-01-01T00:00:03.000Z",
      config: { WorkingDir: "/app", Cmd: ["node", "app.js"], Env: [expect.stringMatching(/^PATH=/), "MODE=prod"] },
    });

    const root = out.target.chainId;
    expect(f.snapshots.fileAt(root, "/app/app.js")).toBe("console.log(1)");
    expect(f.snapshots.fileAt(root, "/app/out.txt")).toBe("built\n");
    expect(f.images.stored).toEqual([{ config: out.config, layers: out.layers, tags: ["app:latest"] }]);
    expect(f.snapshots.active.size).toBe(0);
  });

  it("runs RUN in the stage's workdir, as its user, with its env and the proxy args (which stay out of the key)", async () => {
    const text = "FROM alpine\nARG HTTP_PROXY\nENV A=1\nUSER app\nWORKDIR /tmp\nRUN true";
    const f = fakes();
    await build(f, text, { args: { HTTP_PROXY: "http://proxy-a:3128" } });
    expect(f.runner.runs).toHaveLength(1);
    const { process } = f.runner.runs[0] ?? {};
    expect(process).toMatchObject({ argv: ["/bin/sh", "-c", "true"], workdir: "/tmp", user: "app", network: "default", platform: { architecture: "amd64" } });
    expect(process?.env).toContain("A=1");
    expect(process?.env).toContain("HTTP_PROXY=http://proxy-a:3128");

    const again = await build(f, text, { args: { HTTP_PROXY: "http://proxy-b:3128" } });
    expect(f.runner.runs).toHaveLength(1);
    expect(outcomes(again)[0]).toContain("cached");
  });

  it("a WORKDIR that exists adds no layer; one it creates belongs to the USER", async () => {
    const f = fakes();
    const out = await build(f, "FROM alpine\nWORKDIR /etc\nUSER app:staff\nWORKDIR /home/app/data");
    expect(out.layers).toHaveLength(2);
    expect(out.history.slice(1).map((h) => h.empty_layer ?? false)).toEqual([true, true, false]);
    const tree = f.snapshots.treeOf(out.target.chainId);
    expect(tree.get("/home/app/data")).toMatchObject({ type: "dir", uid: 1000, gid: 50 });
    expect(tree.get("/home")).toMatchObject({ uid: 1000, gid: 50 });
  });

  it("a file deleted by a later RUN is absent from the image, as a whiteout in that layer", async () => {
    const f = fakes();
    const out = await build(f, "FROM alpine\nRUN echo secret > /tmp/key\nRUN rm -f /tmp/key");
    expect(f.snapshots.fileAt(out.target.chainId, "/tmp/key")).toBeUndefined();
    const top = f.snapshots.committed.get(out.target.chainId ?? "");
    expect(top?.changes).toEqual([{ path: "/tmp/key", whiteout: true }]);
  });

  it("builds FROM scratch", async () => {
    const f = fakes({ "hello": "bin" });
    const out = await build(f, "FROM scratch\nCOPY hello /\nENTRYPOINT [\"/hello\"]");
    expect(out.layers).toHaveLength(1);
    expect(out.history.map((h) => h.created_by)).toEqual(["COPY hello / # buildkit", 'ENTRYPOINT ["/hello"]']);
    expect(f.snapshots.fileAt(out.target.chainId, "/hello")).toBe("bin");
    expect(f.images.resolved).toEqual([]);
  });

  it("a stage FROM another stage carries its layers and history on", async () => {
    const f = fakes();
    const out = await build(f, "FROM alpine AS base\nRUN echo 1 > /one\nFROM base\nRUN echo 2 > /two");
    expect(out.layers).toHaveLength(3);
    expect(out.history.map((h) => h.created_by)).toEqual([
      "/bin/sh -c #(nop) ADD alpine",
      "RUN /bin/sh -c echo 1 > /one # buildkit",
      "RUN /bin/sh -c echo 2 > /two # buildkit",
    ]);
    expect(f.snapshots.fileAt(out.target.chainId, "/one")).toBe("1\n");
  });
});

describe("executeBuild and the cache", () => {
  it("a second build is fully cached: no container, no snapshot", async () => {
    const f = fakes({ "app.js": "console.log(1)" });
    const first = await build(f, APP);
    const calls = f.snapshots.log.length;
    const second = await build(f, APP);
    expect(outcomes(second)).toEqual({ 0: ["cached", "cached", "cached", "config", "config"] });
    expect(f.runner.runs).toHaveLength(1);
    expect(f.snapshots.log).toHaveLength(calls);
    expect(second.layers).toEqual(first.layers);
    // Cached layers keep their history entries, the config-only ones date from the state they
    // change: the same config, so the same image ID.
    expect(second.history).toEqual(first.history);
    expect(second.imageId).toBe(first.imageId);
    expect(f.events.filter((e) => e.type === "step" && e.status === "cached")).toHaveLength(3);
  });

  it("touching files (mtime only) changes nothing", async () => {
    const f = fakes({ "app.js": "console.log(1)" });
    await build(f, APP);
    f.context.write("app.js", { type: "file", mode: 0o644, uid: 0, gid: 0, content: "console.log(1)", mtime: 1_700_000_000 });
    expect(Object.values(outcomes(await build(f, APP))).flat()).not.toContain("built");
  });

  it("editing one copied file rebuilds exactly the steps from its COPY on", async () => {
    const text = "FROM alpine\nCOPY a.txt /a\nRUN echo 1 > /r1\nCOPY b.txt /b\nRUN echo 2 > /r2\nCMD [\"x\"]";
    const f = fakes({ "a.txt": "a", "b.txt": "b" });
    await build(f, text);
    f.context.write("b.txt", "b2");
    const out = await build(f, text);
    expect(outcomes(out)).toEqual({ 0: ["cached", "cached", "built", "built", "config"] });
    expect(f.runner.runs).toHaveLength(3);
    expect(f.snapshots.fileAt(out.target.chainId, "/b")).toBe("b2");
  });

  it("--no-cache performs every step again and records the results", async () => {
    const f = fakes({ "app.js": "x" });
    await build(f, APP);
    const out = await build(f, APP, { noCache: true });
    expect(outcomes(out)).toEqual({ 0: ["built", "built", "built", "config", "config"] });
    expect(f.runner.runs).toHaveLength(2);
    expect(f.cache.hits).toBe(0);
  });

  it("files the .dockerignore excludes are neither copied, nor read, nor in the key", async () => {
    const f = fakes({ "app.js": "x", "node_modules/dep/index.js": "dep", "README.md": "r" }, "node_modules\n*.md");
    const text = "FROM alpine\nCOPY . /app/";
    const out = await build(f, text);
    const tree = f.snapshots.treeOf(out.target.chainId);
    expect([...tree.keys()].filter((p) => p.startsWith("/app"))).toEqual(["/app", "/app/app.js"]);
    expect(f.context.listed).not.toContain("node_modules");
    f.context.write("node_modules/dep/index.js", "dep2");
    expect(outcomes(await build(f, text))[0]).toEqual(["cached"]);
  });

  it("a cache mount never enters a key (a bind mount's content does)", async () => {
    const text = "FROM alpine\nRUN --mount=type=cache,target=/root/.cache --mount=type=bind,source=go.sum,target=/src/go.sum true";
    const f = fakes({ "go.sum": "v1" });
    await build(f, text);
    expect(f.runner.runs[0]?.process.mounts).toEqual([
      { type: "cache", target: "/root/.cache", id: "/root/.cache", sharing: "shared", readonly: false, mode: 0o755, uid: 0, gid: 0 },
      { type: "bind", target: "/src/go.sum", tree: { kind: "context" }, path: "go.sum", readonly: true },
    ]);
    expect(f.context.listed).toEqual([]);
    expect(outcomes(await build(f, text))[0]).toEqual(["cached"]);
    f.context.write("go.sum", "v2");
    expect(outcomes(await build(f, text))[0]).toEqual(["built"]);
  });

  it("COPY --from a stage is keyed by the files it copies, not by how the stage made them", async () => {
    const text = `FROM alpine AS builder
COPY src.txt /src.txt
RUN mkdir -p /out && echo binary > /out/app
FROM alpine
COPY --from=builder /out/app /usr/bin/app
`;
    const f = fakes({ "src.txt": "v1" });
    await build(f, text);
    f.context.write("src.txt", "v2");
    const out = await build(f, text);
    expect(outcomes(out)).toEqual({ 0: ["built", "built"], 1: ["cached"] });
    expect(f.snapshots.fileAt(out.target.chainId, "/usr/bin/app")).toBe("binary\n");
  });
});

describe("executeBuild: what COPY and RUN read", () => {
  it("COPY resolves --chown names in the rootfs, applies --chmod, and copies a file into an existing directory", async () => {
    const f = fakes({ "conf/app.ini": "a=1", "conf/sub/x.ini": "x" });
    const out = await build(f, "FROM alpine\nCOPY --chown=app --chmod=600 conf/ /etc/app/\nCOPY conf/app.ini /etc\nCOPY <<EOF /etc/motd\nhello\nEOF");
    const tree = f.snapshots.treeOf(out.target.chainId);
    expect(tree.get("/etc/app/app.ini")).toMatchObject({ uid: 1000, gid: 1001, mode: 0o600 });
    expect(tree.get("/etc/app/sub")).toMatchObject({ type: "dir", uid: 1000, gid: 1001, mode: 0o600 });
    expect(tree.get("/etc/app.ini")).toMatchObject({ uid: 0, gid: 0, mode: 0o644, content: "a=1" });
    expect(tree.get("/etc/motd")).toMatchObject({ content: "hello\n", mode: 0o644 });
  });

  it("COPY --from keeps the source's owners; --from an image reads the image", async () => {
    const f = fakes();
    const out = await build(f, "FROM alpine AS a\nUSER app\nRUN echo x > /tmp/x\nFROM scratch\nCOPY --from=a /tmp/x /x\nCOPY --from=alpine /etc/group /group");
    expect(f.snapshots.fileAt(out.target.chainId, "/group")).toContain("staff:x:50:");
    expect(f.snapshots.treeOf(out.target.chainId).get("/x")).toMatchObject({ content: "x\n" });
  });

  it("a heredoc RUN script is handed to the runner as a file", async () => {
    const f = fakes();
    await build(f, "FROM alpine\nRUN <<EOF\n#!/bin/sh\ntrue\nEOF");
    expect(f.runner.runs[0]?.process).toMatchObject({ argv: ["/bin/sh", "-c", "/dev/pipes/EOF"], files: [{ path: "/dev/pipes/EOF", mode: 0o755 }] });
  });

  it("a bind mount from another stage is keyed by that stage's content", async () => {
    const text = "FROM alpine AS deps\nCOPY lock /lock\nRUN echo pinned > /deps\nFROM alpine\nRUN --mount=type=bind,from=deps,source=/deps,target=/d true";
    const f = fakes({ lock: "v1" });
    await build(f, text);
    expect(f.runner.runs.at(-1)?.process.mounts).toEqual([
      { type: "bind", target: "/d", tree: { kind: "snapshot", chainId: expect.stringMatching(/^sha256:/) }, path: "deps", readonly: true },
    ]);
    f.context.write("lock", "v2");
    expect(outcomes(await build(f, text))).toEqual({ 0: ["built", "built"], 1: ["cached"] });
  });
});
