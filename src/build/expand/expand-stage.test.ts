import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse-dockerfile.ts";
import { buildStageGraph } from "../stages/stage-graph.ts";
import { globalArgScope } from "./build-args.ts";
import { DEFAULT_PATH, expandStage } from "./expand-stage.ts";
import { parsePlatform } from "./platform.ts";
import type { BuildImageConfig, Step } from "./step.ts";

const platforms = { build: parsePlatform("linux/amd64"), target: parsePlatform("linux/arm64") };

function expand(text: string, opts: { stage?: number; base?: BuildImageConfig; buildArgs?: Record<string, string> } = {}) {
  const dockerfile = parseDockerfile(text);
  const buildArgs = new Map(Object.entries(opts.buildArgs ?? {}));
  const graph = buildStageGraph(dockerfile, globalArgScope(dockerfile, { buildArgs, platforms }));
  const base = opts.base ?? { Env: ["PATH=/usr/bin:/bin", "HOME=/root"] };
  return expandStage({ dockerfile, graph, stage: opts.stage ?? dockerfile.stages.length - 1, base, buildArgs, platforms });
}
const steps = (text: string, opts?: Parameters<typeof expand>[1]): Step[] => expand(text, opts).steps.map((s) => s.step);
const last = (text: string, opts?: Parameters<typeof expand>[1]): Step => {
  const s = steps(text, opts).at(-1);
  if (s === undefined) throw new Error("no step");
  return s;
};
const config = (text: string, opts?: Parameters<typeof expand>[1]) => expand(text, opts).config;

describe("which instructions expand", () => {
  const pre = "FROM x\nENV A=a DIR=/srv\n";
  it("expands COPY, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL", () => {
    expect(last(`${pre}COPY $A/\${A}.txt $DIR/`)).toMatchObject({ sources: [{ kind: "path", path: "a/a.txt" }], dest: "/srv/" });
    const c = config(`${pre}ENV B=\${A}b\nLABEL $A=$DIR\nWORKDIR $DIR/x\nUSER $A\nEXPOSE 80\${A:+/udp}\nVOLUME $DIR/v\nSTOPSIGNAL SIG$A`);
    expect(c).toMatchObject({
      Env: ["PATH=/usr/bin:/bin", "HOME=/root", "A=a", "DIR=/srv", "B=ab"],
      Labels: { a: "/srv" },
      WorkingDir: "/srv/x",
      User: "a",
      ExposedPorts: { "80/udp": {} },
      Volumes: { "/srv/v": {} },
      StopSignal: "SIGa",
    });
  });
  it("leaves RUN, CMD, ENTRYPOINT, HEALTHCHECK and ONBUILD to the shell or the child build", () => {
    expect(last(`${pre}RUN echo $A`)).toMatchObject({ argv: ["/bin/sh", "-c", "echo $A"] });
    const c = config(`${pre}CMD echo $A\nENTRYPOINT ["$A"]\nHEALTHCHECK CMD test $A\nONBUILD RUN echo $A`);
    expect(c.Cmd).toEqual(["/bin/sh", "-c", "echo $A"]);
    expect(c.Entrypoint).toEqual(["$A"]);
    expect(c.Healthcheck).toEqual({ Test: ["CMD-SHELL", "test $A"] });
    expect(c.OnBuild).toEqual(["RUN echo $A"]);
  });
  it("keeps single-quoted text and escaped dollars literal, removes quotes", () => {
    expect(config(`${pre}ENV Q='$A' R="$A b" S=\\$A T=a\\ b`).Env?.slice(-4)).toEqual(["Q=$A", "R=a b", "S=$A", "T=a b"]);
  });
  it("uses the backtick escape on Windows-style files", () => {
    const c = config("# escape=`\nFROM x\nENV D=C:\\app\nWORKDIR $D\\bin");
    expect(c.Env).toContain("D=C:\\app");
  });
  it("expands all pairs of one ENV with the env before it", () => {
    expect(config("FROM x\nENV abc=hello\nENV abc=bye def=$abc").Env?.slice(-2)).toEqual(["abc=bye", "def=hello"]);
  });
  it("supports the default and alternative forms", () => {
    expect(config("FROM x\nARG E=\nENV a=${U:-d} b=${E:-d} c=${E-d} d=${HOME:+alt} e=${U+alt} f=${E+alt}").Env?.slice(-6)).toEqual([
      "a=d",
      "b=d",
      "c=",
      "d=alt",
      "e=",
      "f=alt",
    ]);
  });
});

describe("ARG scoping", () => {
  it("keeps global ARGs out of a stage unless re-declared there", () => {
    const text = "ARG V=1\nFROM x\nENV a=[$V]\nARG V\nENV b=[$V]";
    expect(config(text).Env?.slice(-2)).toEqual(["a=[]", "b=[1]"]);
    expect(config(text, { buildArgs: { V: "2" } }).Env?.slice(-2)).toEqual(["a=[]", "b=[2]"]);
  });
  it("prefers --build-arg, then the stage default, then the global value", () => {
    const text = "ARG V=global\nFROM x\nARG V=stage\nENV v=$V";
    expect(config(text).Env?.at(-1)).toBe("v=stage");
    expect(config(text, { buildArgs: { V: "cli" } }).Env?.at(-1)).toBe("v=cli");
  });
  it("scopes ARG to its stage", () => {
    expect(config("FROM x AS a\nARG V=1\nFROM a\nENV v=[$V]").Env?.at(-1)).toBe("v=[]");
  });
  it("lets ENV win over ARG of the same name", () => {
    expect(config("FROM x\nARG V=arg\nENV V=env\nENV w=$V").Env?.at(-1)).toBe("w=env");
  });
  it("gives the predefined platform ARGs to FROM, and to a stage only once declared", () => {
    const e = expand("FROM --platform=$BUILDPLATFORM x\nENV a=[$TARGETARCH]\nARG TARGETARCH TARGETPLATFORM BUILDOS\nENV b=$TARGETARCH c=$TARGETPLATFORM d=$BUILDOS");
    expect(e.config.Env?.slice(-4)).toEqual(["a=[]", "b=arm64", "c=linux/arm64", "d=linux"]);
  });
  it("passes ARG values to RUN's environment", () => {
    expect(last("FROM x\nARG A=1 B\nRUN env", { buildArgs: { B: "2" } })).toMatchObject({
      env: ["PATH=/usr/bin:/bin", "HOME=/root", "A=1", "B=2"],
    });
  });
});

describe("proxy ARGs", () => {
  const proxy = { HTTP_PROXY: "http://proxy:3128", no_proxy: "localhost" };
  it("never reach RUN's keyed environment, even when declared", () => {
    const e = expand("FROM x\nARG HTTP_PROXY\nRUN curl x", { buildArgs: proxy });
    const run = e.steps.at(-1);
    expect(run?.step).toMatchObject({ env: ["PATH=/usr/bin:/bin", "HOME=/root"] });
  });
  it("are replaced by their name in the key form when an instruction expands them", () => {
    const e = expand("FROM x\nARG HTTP_PROXY\nLABEL p=$HTTP_PROXY", { buildArgs: proxy });
    const label = e.steps.at(-1);
    expect(label?.step).toMatchObject({ config: { Labels: { p: "http://proxy:3128" } } });
    expect(label?.keyForm).toMatchObject({ config: { Labels: { p: "$HTTP_PROXY" } } });
  });
});

describe("RUN", () => {
  it("wraps shell form in the SHELL and leaves exec form", () => {
    expect(last('FROM x\nSHELL ["bash", "-eo", "pipefail", "-c"]\nRUN a | b')).toMatchObject({ argv: ["bash", "-eo", "pipefail", "-c", "a | b"] });
    expect(last('FROM x\nRUN ["/bin/true", "$X"]')).toMatchObject({ argv: ["/bin/true", "$X"] });
  });
  it("runs a heredoc body as the script, a #! body as a file, and several heredocs in the shell", () => {
    expect(last("FROM x\nRUN <<EOF\necho a\necho b\nEOF")).toMatchObject({ argv: ["/bin/sh", "-c", "echo a\necho b\n"], files: [] });
    expect(last("FROM x\nRUN <<-EOF\n\techo a\n\tEOF")).toMatchObject({ argv: ["/bin/sh", "-c", "echo a\n"] });
    expect(last("FROM x\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF")).toMatchObject({
      argv: ["/bin/sh", "-c", "/dev/pipes/EOF"],
      files: [{ path: "/dev/pipes/EOF", content: "#!/usr/bin/env python3\nprint(1)\n", mode: 0o755 }],
    });
    expect(last("FROM x\nRUN <<A cat > /a && <<B cat > /b\n1\nA\n2\nB")).toMatchObject({
      argv: ["/bin/sh", "-c", "<<A cat > /a && <<B cat > /b\n1\nA\n2\nB"],
    });
    expect(last("FROM x\nRUN python3 <<PY\nprint(1)\nPY")).toMatchObject({ argv: ["/bin/sh", "-c", "python3 <<PY\nprint(1)\nPY"] });
  });
  it("expands mount values and resolves their targets against WORKDIR", () => {
    const run = last("FROM x\nWORKDIR /app\nARG TARGETARCH\nRUN --mount=type=cache,target=target,id=t-$TARGETARCH --mount=type=tmpfs,target=/tmp make");
    expect(run).toMatchObject({
      workdir: "/app",
      mounts: [
        { type: "cache", target: "/app/target", id: "t-arm64" },
        { type: "tmpfs", target: "/tmp" },
      ],
      network: "default",
    });
  });
  it("adds the default PATH when the image has none", () => {
    expect(last("FROM scratch\nRUN x", { base: {} })).toMatchObject({ env: [`PATH=${DEFAULT_PATH}`] });
  });
});

describe("COPY and ADD", () => {
  it("resolves the destination against WORKDIR and keeps 'into a directory'", () => {
    const dests = steps("FROM x\nWORKDIR /app\nCOPY a .\nCOPY a b/\nCOPY a ../c\nCOPY a /abs").map((s) => (s.kind === "copy" ? s.dest : undefined));
    expect(dests.slice(1)).toEqual(["/app/", "/app/b/", "/c", "/abs"]);
  });
  it("resolves --from to a stage or an image", () => {
    const text = "FROM a AS build\nFROM b\nCOPY --from=build /x /x\nCOPY --from=0 /x /x\nCOPY --from=nginx:1 /x /x";
    expect(steps(text).map((s) => (s.kind === "copy" ? s.from : undefined))).toEqual([
      { kind: "stage", index: 0 },
      { kind: "stage", index: 0 },
      { kind: "image", ref: "nginx:1" },
    ]);
  });
  it("expands heredoc bodies unless the delimiter is quoted", () => {
    const s = steps("FROM x\nENV H=host\nCOPY <<EOF <<'RAW' /etc/\nh=$H '$H' \"$H\"\nEOF\nh=$H\nRAW").at(-1);
    expect(s).toMatchObject({
      sources: [
        { kind: "content", name: "EOF", content: "h=host '$H' \"host\"\n" },
        { kind: "content", name: "RAW", content: "h=$H\n" },
      ],
    });
  });
  it("expands --chown and reads --chmod as octal", () => {
    expect(last("FROM x\nARG U=app\nCOPY --chown=$U:$U --chmod=0644 a /a")).toMatchObject({ chown: "app:app", chmod: 0o644 });
    expect(() => last("FROM x\nCOPY --chmod=u+x a /a")).toThrow("Dockerfile:2: --chmod=u+x: only octal modes");
  });
  it("expands ADD --checksum", () => {
    expect(last("FROM x\nARG SUM=sha256:ab\nADD --checksum=$SUM https://x/y /y")).toMatchObject({ kind: "add", checksum: "sha256:ab" });
  });
});

describe("image config", () => {
  it("normalises exposed ports and expands ranges", () => {
    expect(Object.keys(config("FROM x\nEXPOSE 80 443/TCP 53/udp 8000-8002").ExposedPorts ?? {})).toEqual([
      "80/tcp",
      "443/tcp",
      "53/udp",
      "8000/tcp",
      "8001/tcp",
      "8002/tcp",
    ]);
    expect(() => config("FROM x\nEXPOSE http")).toThrow('Dockerfile:2: EXPOSE: invalid port "http"');
  });
  it("resets an inherited CMD when ENTRYPOINT is set, not one set in the stage", () => {
    const base = { Cmd: ["bash"] };
    expect(config('FROM x\nENTRYPOINT ["/e"]', { base }).Cmd).toBeNull();
    expect(config('FROM x\nCMD ["c"]\nENTRYPOINT ["/e"]', { base }).Cmd).toEqual(["c"]);
  });
  it("writes HEALTHCHECK in the image's form", () => {
    expect(config("FROM x\nHEALTHCHECK --interval=5s --retries=2 CMD [\"/hc\"]").Healthcheck).toEqual({
      Test: ["CMD", "/hc"],
      Interval: 5e9,
      Retries: 2,
    });
    expect(config("FROM x\nHEALTHCHECK NONE").Healthcheck).toEqual({ Test: ["NONE"] });
  });
  it("records MAINTAINER as the author", () => {
    expect(expand("FROM x\nMAINTAINER me").author).toBe("me");
  });
});

describe("ONBUILD triggers of the base", () => {
  it("run first, at the FROM line, and are not passed on", () => {
    const e = expand("FROM base\nRUN b", { base: { Env: ["PATH=/bin"], OnBuild: ["COPY . /app", "RUN make"] } });
    expect(e.steps.map((s) => [s.line, s.trigger, s.step.kind])).toEqual([
      [1, true, "copy"],
      [1, true, "run"],
      [2, false, "run"],
    ]);
    expect(e.config.OnBuild).toBeNull();
  });
  it("a bad trigger is an error at the FROM line", () => {
    expect(() => expand("FROM base", { base: { OnBuild: ["FROM y"] } })).toThrow("FROM isn't allowed as an ONBUILD trigger");
    expect(() => expand("FROM base", { base: { OnBuild: ["BOGUS y"] } })).toThrow('Dockerfile:1: the base image\'s ONBUILD trigger "BOGUS y" is invalid');
  });
});

describe("errors", () => {
  it("name the line of the instruction that fails to expand", () => {
    expect(() => expand("FROM x\nRUN ok\nCOPY ${SRC:?required} /x")).toThrow("Dockerfile:3: SRC: required");
    expect(() => expand("FROM x\nRUN --mount=type=cache,target=/c,mode=$M x\n")).toThrow("Dockerfile:2: --mount: invalid value for mode: ");
  });
});
