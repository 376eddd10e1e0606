import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./parse-dockerfile.ts";

// Each instruction is written after a `FROM x` line, so it sits on line 2.
function one(text: string) {
  const ins = parseDockerfile(`FROM x\n${text}`).stages[0]?.instructions[0];
  if (ins === undefined) throw new Error("no instruction");
  const { original: _o, line: _l, endLine: _e, ...rest } = ins;
  return rest;
}
const from = (text: string) => {
  const { original: _o, line: _l, endLine: _e, ...rest } = parseDockerfile(text).stages[0]?.from ?? ({} as never);
  return rest;
};
const error = (text: string) => {
  try {
    parseDockerfile(`FROM x\n${text}`);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("no error");
};

describe("FROM", () => {
  it("reads image, platform and lower-cased stage name", () => {
    expect(from("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build")).toEqual({
      kind: "from",
      image: "golang:1.22",
      platform: "$BUILDPLATFORM",
      stageName: "build",
    });
    expect(from("FROM scratch")).toEqual({ kind: "from", image: "scratch" });
    expect(from("from ${BASE}:${TAG} as base")).toMatchObject({ image: "${BASE}:${TAG}", stageName: "base" });
  });
  it("rejects bad forms", () => {
    expect(() => parseDockerfile("FROM a b")).toThrow("Dockerfile:1: FROM requires either one or three arguments");
    expect(() => parseDockerfile("FROM a AS 1x")).toThrow("invalid name for build stage");
    expect(() => parseDockerfile("FROM --plat=x a")).toThrow("Dockerfile:1: unknown flag --plat for FROM");
  });
});

describe("RUN", () => {
  it("tells shell form from exec form", () => {
    expect(one("RUN echo $HOME")).toEqual({ kind: "run", command: { form: "shell", command: "echo $HOME" }, mounts: [], heredocs: [] });
    expect(one('RUN ["echo", "$HOME"]')).toMatchObject({ command: { form: "exec", args: ["echo", "$HOME"] } });
  });
  it("reads mounts and network", () => {
    expect(one("RUN --mount=type=cache,target=/root/.cache --network=none --mount=type=bind,from=b,target=/b make")).toMatchObject({
      mounts: [
        { text: "type=cache,target=/root/.cache", type: "cache" },
        { text: "type=bind,from=b,target=/b", type: "bind", from: "b" },
      ],
      network: "none",
      command: { form: "shell", command: "make" },
    });
  });
  it("keeps heredocs", () => {
    expect(one("RUN <<EOF\necho hi\nEOF")).toMatchObject({
      command: { form: "shell", command: "<<EOF" },
      heredocs: [{ name: "EOF", content: "echo hi\n", expand: true, chomp: false }],
    });
  });
  it("names what is wrong", () => {
    expect(error("RUN")).toBe("Dockerfile:2: RUN requires at least one argument");
    expect(error("RUN --network=bridge x")).toContain("Dockerfile:2: unsupported network mode");
    expect(error("RUN --security=insecure x")).toBe("Dockerfile:2: RUN --security is not supported by tstack");
    expect(error("RUN --mount=type=nfs,target=/a x")).toContain("Dockerfile:2: --mount: unsupported mount type");
    expect(error('RUN ["a", 1]')).toContain("Dockerfile:2: when using JSON array syntax");
  });
});

describe("CMD, ENTRYPOINT, SHELL", () => {
  it("reads both forms", () => {
    expect(one("CMD node dist/index.js")).toEqual({ kind: "cmd", command: { form: "shell", command: "node dist/index.js" } });
    expect(one('ENTRYPOINT [ "/bin/server" ]')).toEqual({ kind: "entrypoint", command: { form: "exec", args: ["/bin/server"] } });
    expect(one("CMD []")).toEqual({ kind: "cmd", command: { form: "exec", args: [] } });
    expect(one('SHELL ["bash", "-c"]')).toEqual({ kind: "shell", shell: ["bash", "-c"] });
  });
  it("requires JSON for SHELL", () => {
    expect(error("SHELL bash -c")).toBe("Dockerfile:2: SHELL requires the arguments to be in JSON form");
  });
});

describe("COPY and ADD", () => {
  it("reads flags, several sources and the destination", () => {
    expect(one("COPY --from=build --chown=1:1 --chmod=755 --link a b /dst/")).toEqual({
      kind: "copy",
      sources: [
        { kind: "path", path: "a" },
        { kind: "path", path: "b" },
      ],
      dest: "/dst/",
      from: "build",
      chown: "1:1",
      chmod: "755",
      link: true,
    });
    expect(one('COPY ["a b", "/c d/"]')).toMatchObject({ sources: [{ kind: "path", path: "a b" }], dest: "/c d/", link: false });
    expect(one("ADD --checksum=sha256:abc --keep-git-dir https://x/y.tgz /opt/")).toMatchObject({
      kind: "add",
      checksum: "sha256:abc",
      keepGitDir: true,
    });
  });
  it("takes heredoc sources", () => {
    expect(one("COPY <<A <<B /etc/\none\nA\ntwo\nB")).toMatchObject({
      sources: [
        { kind: "heredoc", heredoc: { name: "A", content: "one\n" } },
        { kind: "heredoc", heredoc: { name: "B", content: "two\n" } },
      ],
      dest: "/etc/",
    });
  });
  it("names what is wrong", () => {
    expect(error("COPY a")).toContain("Dockerfile:2: COPY requires at least two arguments, but only one was provided");
    expect(error("COPY --parents a /b")).toBe("Dockerfile:2: COPY --parents is not supported by tstack");
    expect(error("COPY --exclude=*.md . /b")).toBe("Dockerfile:2: COPY --exclude is not supported by tstack");
    expect(error("ADD --from=x a /b")).toBe("Dockerfile:2: unknown flag --from for ADD");
    expect(error("COPY --chown a /b")).toBe("Dockerfile:2: missing a value on flag: --chown");
  });
});

describe("ENV, LABEL, ARG", () => {
  it("reads both ENV forms, keeping quotes for expansion", () => {
    expect(one("ENV a b c")).toEqual({ kind: "env", pairs: [{ key: "a", value: "b c" }] });
    expect(one('ENV a=b c="d e" f=g\\ h')).toEqual({
      kind: "env",
      pairs: [
        { key: "a", value: "b" },
        { key: "c", value: '"d e"' },
        { key: "f", value: "g\\ h" },
      ],
    });
  });
  it("warns about the legacy form", () => {
    expect(parseDockerfile("FROM x\nENV a b").warnings[0]?.message).toContain("legacy form");
  });
  it("reads LABEL pairs with quoted keys", () => {
    expect(one('LABEL "com.example.vendor"="ACME Inc" version=1.0')).toEqual({
      kind: "label",
      pairs: [
        { key: '"com.example.vendor"', value: '"ACME Inc"' },
        { key: "version", value: "1.0" },
      ],
    });
  });
  it("reads several ARGs with and without defaults", () => {
    expect(one("ARG A B=2 C=")).toEqual({ kind: "arg", args: [{ name: "A" }, { name: "B", default: "2" }, { name: "C", default: "" }] });
  });
  it("names what is wrong", () => {
    expect(error("ENV a")).toBe("Dockerfile:2: ENV must have two arguments (ENV key=value)");
    expect(error("ENV a=b c")).toContain("can't find = in \"c\"");
    expect(error("LABEL")).toBe("Dockerfile:2: LABEL requires at least one argument");
    expect(error("ARG")).toBe("Dockerfile:2: ARG requires at least one argument");
    expect(error("ARG =x")).toContain("ARG names can not be blank");
  });
});

describe("single-argument instructions", () => {
  it("reads WORKDIR, USER, STOPSIGNAL, MAINTAINER", () => {
    expect(one("WORKDIR /a b")).toEqual({ kind: "workdir", path: "/a b" });
    expect(one("USER app:app")).toEqual({ kind: "user", user: "app:app" });
    expect(one("STOPSIGNAL SIGQUIT")).toEqual({ kind: "stopsignal", signal: "SIGQUIT" });
    expect(one("MAINTAINER Team <t@example.com>")).toEqual({ kind: "maintainer", name: "Team <t@example.com>" });
    expect(parseDockerfile("FROM x\nMAINTAINER me").warnings[0]?.message).toContain("MAINTAINER is deprecated");
  });
  it("requires the argument", () => {
    expect(error("WORKDIR")).toBe("Dockerfile:2: WORKDIR requires exactly one argument");
  });
});

describe("EXPOSE, VOLUME", () => {
  it("reads words or JSON", () => {
    expect(one("EXPOSE 80/tcp 443 53/udp")).toEqual({ kind: "expose", ports: ["80/tcp", "443", "53/udp"] });
    expect(one('VOLUME ["/data", "/logs"]')).toEqual({ kind: "volume", paths: ["/data", "/logs"] });
    expect(one("VOLUME /a /b")).toEqual({ kind: "volume", paths: ["/a", "/b"] });
    expect(error('VOLUME [""]')).toBe("Dockerfile:2: VOLUME specified can not be an empty string");
  });
});

describe("HEALTHCHECK", () => {
  it("reads NONE and CMD with options", () => {
    expect(one("HEALTHCHECK NONE")).toEqual({ kind: "healthcheck", healthcheck: { test: "none" } });
    expect(one("HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 CMD curl -f http://x/ || exit 1")).toEqual({
      kind: "healthcheck",
      healthcheck: {
        test: "cmd",
        command: { form: "shell", command: "curl -f http://x/ || exit 1" },
        interval: 30e9,
        timeout: 3e9,
        startPeriod: 5e9,
        startInterval: 1e9,
        retries: 3,
      },
    });
    expect(one('HEALTHCHECK CMD ["/bin/check"]')).toMatchObject({ healthcheck: { command: { form: "exec", args: ["/bin/check"] } } });
  });
  it("names what is wrong", () => {
    expect(error("HEALTHCHECK --interval=5s NONE")).toBe("Dockerfile:2: HEALTHCHECK NONE takes no arguments");
    expect(error("HEALTHCHECK RUN x")).toContain("unknown type");
    expect(error("HEALTHCHECK --interval=10 CMD x")).toContain("invalid duration");
    expect(error("HEALTHCHECK --interval=1us CMD x")).toContain("cannot be less than 1ms");
    expect(error("HEALTHCHECK --retries=-1 CMD x")).toContain("cannot be negative");
    expect(error("HEALTHCHECK --period=1s CMD x")).toContain("unknown flag --period");
  });
});

describe("ONBUILD", () => {
  it("wraps another instruction and keeps its text", () => {
    expect(one("ONBUILD RUN make")).toMatchObject({
      kind: "onbuild",
      trigger: { kind: "run", command: { form: "shell", command: "make" } },
      expression: "RUN make",
    });
    expect(one("ONBUILD RUN <<EOF\nmake\nEOF")).toMatchObject({ expression: "RUN <<EOF\nmake\nEOF" });
  });
  it("refuses what cannot be a trigger", () => {
    expect(error("ONBUILD ONBUILD RUN x")).toContain("chaining ONBUILD");
    expect(error("ONBUILD FROM x")).toBe("Dockerfile:2: FROM isn't allowed as an ONBUILD trigger");
    expect(error("ONBUILD COPY a")).toContain("COPY requires at least two arguments");
  });
});

describe("unknown instructions", () => {
  it("are errors naming the line", () => {
    expect(error("\n\nRUNN make")).toBe("Dockerfile:4: unknown instruction: RUNN");
    expect(error("CMD --help")).toBe("Dockerfile:2: unknown flag --help for CMD");
  });
});
