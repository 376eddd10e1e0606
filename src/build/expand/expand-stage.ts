import { posix } from "node:path";
import type { ImageHealthcheck } from "../../runtime/spec/index.ts";
import { TstackError } from "../../common/errors.ts";
import { fileError } from "../dockerfile/dockerfile-error.ts";
import { chompHeredoc, heredocsAsText, parseHeredocWord } from "../dockerfile/heredoc.ts";
import type { CommandForm, CopySource, Healthcheck, Instruction, RunInstruction } from "../dockerfile/instruction.ts";
import { readLogicalLines } from "../dockerfile/logical-lines.ts";
import { parseInstruction } from "../dockerfile/parse-instruction.ts";
import type { Dockerfile } from "../dockerfile/parse-dockerfile.ts";
import { parseMount, type RunMount } from "../dockerfile/run-mount.ts";
import { processWordOr, type LexOptions } from "../dockerfile/shell-lexer.ts";
import { stageSource, type StageGraph } from "../stages/stage-graph.ts";
import { globalArgScope, PROXY_ARGS, type ArgScope } from "./build-args.ts";
import { envGet, envSet } from "./image-env.ts";
import type { BuildPlatforms } from "./platform.ts";
import type { BuildImageConfig, ConfigInstruction, InlineFile, PlannedStep, Step, StepSource } from "./step.ts";

// One stage's instructions → executor steps, with variables expanded as BuildKit does:
// - FROM, ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG defaults and
//   RUN --mount values are expanded; RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK and ONBUILD are not
//   (the shell does it, or the child build); a COPY/ADD heredoc body is, unless its delimiter is quoted;
// - a name resolves to the stage's ENV (base image env included) first, then the stage's ARGs;
// - the base's ONBUILD triggers run first, and are not passed on.
// The stage is walked twice: once with the real build args, once with every proxy ARG replaced
// by `$NAME` (given or not); the second walk is the steps' keyForm, so proxies never reach a cache key.

export interface ExpandStageInput {
  readonly dockerfile: Dockerfile;
  readonly graph: StageGraph;
  readonly stage: number;
  /** The base's config: the image's, or the parent stage's result; undefined for scratch. */
  readonly base: BuildImageConfig | undefined;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly platforms: BuildPlatforms;
}

export interface ExpandedStage {
  readonly index: number;
  readonly steps: readonly PlannedStep[];
  /** The image config after the last step. */
  readonly config: BuildImageConfig;
  /** From MAINTAINER. */
  readonly author?: string;
}

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const DEFAULT_SHELL = ["/bin/sh", "-c"] as const;

export function expandStage(input: ExpandStageInput): ExpandedStage {
  const real = walk(input, input.buildArgs);
  // Every proxy ARG, given or not, is `$NAME` in the key walk: its value and its presence stay out of keys.
  const keyArgs = new Map([...input.buildArgs, ...[...PROXY_ARGS].map((k) => [k, `$${k}`] as const)]);
  const key = walk(input, keyArgs);
  const steps = real.steps.map((s, i) => ({ ...s.meta, step: s.step, keyForm: key.steps[i]?.step ?? s.step }));
  return { index: input.stage, steps, config: real.config, ...(real.author === undefined ? {} : { author: real.author }) };
}

interface Walked {
  readonly steps: { meta: Omit<PlannedStep, "step" | "keyForm">; step: Step }[];
  readonly config: BuildImageConfig;
  readonly author?: string;
}

type StageInstruction = Exclude<Instruction, { kind: "from" }>;

function walk(input: ExpandStageInput, buildArgs: ReadonlyMap<string, string>): Walked {
  const { dockerfile: df, graph } = input;
  const stage = df.stages[input.stage];
  if (stage === undefined) throw new RangeError(`no stage ${input.stage}`);
  const globals: ArgScope = globalArgScope(df, { buildArgs, platforms: input.platforms });
  let config: BuildImageConfig = input.base ?? { Env: [`PATH=${DEFAULT_PATH}`] };
  const args = new Map<string, string | undefined>();
  let cmdSet = false;
  let author: string | undefined;
  const steps: Walked["steps"] = [];

  const triggers = (config.OnBuild ?? []).map((expression) => parseTrigger(df, expression, stage.from.line));
  config = { ...config, OnBuild: null };
  const todo: { ins: StageInstruction; trigger: boolean }[] = [
    ...triggers.map((ins) => ({ ins, trigger: true })),
    ...stage.instructions.map((ins) => ({ ins, trigger: false })),
  ];

  for (const { ins, trigger } of todo) {
    const line = trigger ? stage.from.line : ins.line;
    const fail = (err: unknown) =>
      fileError(df.file, line, `${trigger ? `ONBUILD trigger "${ins.original}": ` : ""}${(err as Error).message}`, err);
    const env = config.Env ?? [];
    const lookup = (name: string) => envGet(env, name) ?? args.get(name);
    const lex = (text: string, opts: Partial<LexOptions> = {}) =>
      processWordOr(text, lookup, { escape: df.directives.escape, ...opts }, fail);
    const word = (text: string) => lex(text).word;
    const workdir = config.WorkingDir || "/";
    const configStep = (instruction: ConfigInstruction, next: BuildImageConfig): Step => {
      config = next;
      return { kind: "config", instruction, config: next };
    };

    let step: Step;
    switch (ins.kind) {
      case "run": {
        let mounts: RunMount[];
        try {
          mounts = ins.mounts.map((m) => parseMount(m.text, word));
        } catch (err) {
          throw err instanceof TstackError ? err : fail(err);
        }
        const processEnv = [...env];
        for (const [name, value] of args)
          if (value !== undefined && !PROXY_ARGS.has(name) && envGet(env, name) === undefined) processEnv.push(`${name}=${value}`);
        if (envGet(processEnv, "PATH") === undefined) processEnv.unshift(`PATH=${DEFAULT_PATH}`);
        const { argv, files } = runArgv(ins, config.Shell ?? DEFAULT_SHELL);
        step = {
          kind: "run",
          argv,
          env: processEnv,
          workdir,
          user: config.User ?? "",
          mounts: mounts.map((m) => ("target" in m && m.target !== undefined ? { ...m, target: posix.resolve(workdir, m.target) } : m)),
          network: ins.network ?? "default",
          files,
        };
        break;
      }
      case "copy":
      case "add": {
        const sources = ins.sources.map((s) => copySource(s, word, (t) => lex(t, { rawQuotes: true }).word));
        const dest = resolveDest(word(ins.dest), workdir);
        const chown = ins.chown === undefined ? undefined : word(ins.chown);
        const chmod = ins.chmod === undefined ? undefined : parseChmod(word(ins.chmod), fail);
        const common = {
          sources,
          dest,
          ...(chown === undefined ? {} : { chown }),
          ...(chmod === undefined ? {} : { chmod }),
          link: ins.link,
        };
        if (ins.kind === "copy") {
          const from =
            ins.from === undefined
              ? ({ kind: "context" } as const)
              : stageSource({ file: df.file, stageCount: graph.stages.length, byName: graph.byName }, ins.from, line);
          step = { kind: "copy", from, ...common };
        } else {
          const checksum = ins.checksum === undefined ? undefined : word(ins.checksum);
          step = { kind: "add", ...common, ...(checksum === undefined ? {} : { checksum }), keepGitDir: ins.keepGitDir };
        }
        break;
      }
      case "env": {
        const pairs = ins.pairs.map((p) => [word(p.key), word(p.value)] as const);
        let next = env;
        for (const [k, v] of pairs) next = envSet(next, k, v);
        step = configStep("ENV", { ...config, Env: next });
        break;
      }
      case "arg": {
        const declared = ins.args.map((a) => [a.name, a.default === undefined ? undefined : word(a.default)] as const);
        for (const [name, dflt] of declared) args.set(name, buildArgs.get(name) ?? dflt ?? globals.get(name));
        step = { kind: "arg", declarations: ins.args };
        break;
      }
      case "workdir": {
        const path = posix.resolve(workdir, word(ins.path));
        config = { ...config, WorkingDir: path };
        step = { kind: "workdir", path, user: config.User ?? "" };
        break;
      }
      case "user":
        step = configStep("USER", { ...config, User: word(ins.user) });
        break;
      case "expose": {
        const ports = { ...config.ExposedPorts };
        for (const p of ins.ports.flatMap((p) => lex(p).words)) for (const port of exposedPorts(p, fail)) ports[port] = {};
        step = configStep("EXPOSE", { ...config, ExposedPorts: ports });
        break;
      }
      case "label": {
        const labels = { ...config.Labels };
        for (const p of ins.pairs) labels[word(p.key)] = word(p.value);
        step = configStep("LABEL", { ...config, Labels: labels });
        break;
      }
      case "volume": {
        const volumes = { ...config.Volumes };
        for (const p of ins.paths) {
          const path = word(p);
          if (path.trim() === "") throw fail(new Error("VOLUME specified can not be an empty string"));
          volumes[path] = {};
        }
        step = configStep("VOLUME", { ...config, Volumes: volumes });
        break;
      }
      case "stopsignal":
        step = configStep("STOPSIGNAL", { ...config, StopSignal: word(ins.signal) });
        break;
      case "cmd":
        cmdSet = true;
        step = configStep("CMD", { ...config, Cmd: argvOf(ins.command, config.Shell ?? DEFAULT_SHELL) });
        break;
      case "entrypoint":
        step = configStep("ENTRYPOINT", {
          ...config,
          Entrypoint: argvOf(ins.command, config.Shell ?? DEFAULT_SHELL),
          ...(cmdSet ? {} : { Cmd: null }),
        });
        break;
      case "shell":
        step = configStep("SHELL", { ...config, Shell: ins.shell });
        break;
      case "healthcheck":
        step = configStep("HEALTHCHECK", { ...config, Healthcheck: imageHealthcheck(ins.healthcheck) });
        break;
      case "onbuild":
        step = configStep("ONBUILD", { ...config, OnBuild: [...(config.OnBuild ?? []), ins.expression] });
        break;
      case "maintainer":
        author = ins.name;
        step = configStep("MAINTAINER", config);
        break;
    }
    steps.push({ meta: { line, endLine: trigger ? line : ins.endLine, original: ins.original, trigger }, step });
  }
  return { steps, config, ...(author === undefined ? {} : { author }) };
}

function parseTrigger(df: Dockerfile, expression: string, fromLine: number): StageInstruction {
  try {
    const read = readLogicalLines(expression);
    const [line] = read.lines;
    if (line === undefined || read.lines.length !== 1) throw new Error("not one instruction");
    const ins = parseInstruction(line, { file: df.file, escape: df.directives.escape, warn: () => {} });
    if (ins.kind === "from" || ins.kind === "onbuild" || ins.kind === "maintainer") throw new Error(`${ins.kind.toUpperCase()} isn't allowed as an ONBUILD trigger`);
    return ins;
  } catch (err) {
    throw fileError(df.file, fromLine, `the base image's ONBUILD trigger "${expression}" is invalid: ${(err as Error).message}`, err);
  }
}

// The image config's form: Test ["NONE"], ["CMD", ...argv] or ["CMD-SHELL", command]; durations in ns.
function imageHealthcheck(h: Healthcheck): ImageHealthcheck {
  if (h.test === "none") return { Test: ["NONE"] };
  const test = h.command.form === "exec" ? ["CMD", ...h.command.args] : ["CMD-SHELL", h.command.command];
  return {
    Test: test,
    ...(h.interval === undefined ? {} : { Interval: h.interval }),
    ...(h.timeout === undefined ? {} : { Timeout: h.timeout }),
    ...(h.startPeriod === undefined ? {} : { StartPeriod: h.startPeriod }),
    ...(h.startInterval === undefined ? {} : { StartInterval: h.startInterval }),
    ...(h.retries === undefined ? {} : { Retries: h.retries }),
  };
}

/** CMD/ENTRYPOINT argv: exec form as is, shell form wrapped in the SHELL. */
function argvOf(command: CommandForm, shell: readonly string[]): string[] {
  return command.form === "exec" ? [...command.args] : [...shell, command.command];
}

// RUN heredocs as BuildKit runs them: a command that is exactly one heredoc runs its body as the
// script (a body starting with #! is mounted as a file and executed); otherwise the heredocs are
// put back after the command for the shell to read.
function runArgv(ins: RunInstruction, shell: readonly string[]): { argv: string[]; files: InlineFile[] } {
  const c = ins.command;
  if (c.form === "exec") return { argv: [...c.args], files: [] };
  const [first] = ins.heredocs;
  if (first === undefined) return { argv: [...shell, c.command], files: [] };
  if (ins.heredocs.length === 1 && parseHeredocWord(c.command) !== undefined) {
    const body = first.chomp ? chompHeredoc(first.content) : first.content;
    if (body.startsWith("#!")) {
      const path = posix.join("/dev/pipes", first.name);
      return { argv: [...shell, path], files: [{ path, content: body, mode: 0o755 }] };
    }
    return { argv: [...shell, body], files: [] };
  }
  return { argv: [...shell, c.command + heredocsAsText(ins.heredocs)], files: [] };
}

function copySource(s: CopySource, word: (t: string) => string, raw: (t: string) => string): StepSource {
  if (s.kind === "path") return { kind: "path", path: word(s.path) };
  const h = s.heredoc;
  const body = h.chomp ? chompHeredoc(h.content) : h.content;
  return { kind: "content", name: h.name, content: h.expand ? raw(body) : body };
}

// Relative to WORKDIR; "." and a trailing "/" or "/." mean "into the directory".
function resolveDest(dest: string, workdir: string): string {
  const intoDir = dest === "." || dest.endsWith("/") || dest.endsWith("/.");
  const abs = posix.resolve(workdir, dest);
  return intoDir && abs !== "/" ? `${abs}/` : abs;
}

function parseChmod(text: string, fail: (e: unknown) => Error): number {
  if (!/^[0-7]{1,4}$/.test(text)) throw fail(new Error(`--chmod=${text}: only octal modes (e.g. 0755) are supported`));
  return Number.parseInt(text, 8);
}

// "80", "80/udp", "8000-8002/tcp" → "80/tcp", ...; Docker expands ranges.
function exposedPorts(spec: string, fail: (e: unknown) => Error): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (m === null || lo < 1 || hi > 65535 || hi < lo) throw fail(new Error(`EXPOSE: invalid port "${spec}"`));
  const proto = (m[3] ?? "tcp").toLowerCase();
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${lo + i}/${proto}`);
}
