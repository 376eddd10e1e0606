import { fileError, type BuildWarning } from "./dockerfile-error.ts";
import { parseGoDuration } from "./duration.ts";
import { parseFlags, type FlagSpec, type FlagValues } from "./flags.ts";
import { heredocsAsText, parseHeredocWord, type Heredoc } from "./heredoc.ts";
import type { CommandForm, CopySource, Healthcheck, Instruction, KeyValue } from "./instruction.ts";
import type { LogicalLine } from "./logical-lines.ts";
import { checkMountSpec } from "./run-mount.ts";
import { extractLeadingFlags, parseJsonArray, parseWords, splitWhitespace } from "./words.ts";

// One logical line → one typed instruction, following BuildKit's instructions/parse.go: which
// flags each instruction takes, how its arguments are cut, what counts as an error. Every error
// names FILE:LINE.

export interface ParseContext {
  readonly file: string;
  readonly escape: string;
  readonly warn: (w: BuildWarning) => void;
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

const FLAGS = {
  from: { platform: "string" },
  run: { mount: "strings", network: "string", security: "unsupported", device: "unsupported" },
  copy: { from: "string", chown: "string", chmod: "string", link: "bool", parents: "unsupported", exclude: "unsupported" },
  add: {
    chown: "string",
    chmod: "string",
    link: "bool",
    checksum: "string",
    "keep-git-dir": "bool",
    exclude: "unsupported",
    unpack: "unsupported",
  },
  healthcheck: { interval: "string", timeout: "string", "start-period": "string", "start-interval": "string", retries: "string" },
  none: {},
} as const satisfies Record<string, FlagSpec>;

export function parseInstruction(line: LogicalLine, ctx: ParseContext): Instruction {
  const fail = (message: string, cause?: unknown) => fileError(ctx.file, line.line, message, cause);
  const m = /^(\S+)\s*([\s\S]*)$/.exec(line.text);
  const word = m?.[1] ?? "";
  const keyword = word.toUpperCase();
  const { flags: flagWords, rest } = extractLeadingFlags(m?.[2] ?? "");
  const flags = <S extends FlagSpec>(spec: S): FlagValues<S> => {
    try {
      return parseFlags(keyword, flagWords, spec);
    } catch (err) {
      throw fail((err as Error).message, err);
    }
  };
  const at = { line: line.line, endLine: line.endLine, original: line.text };
  const single = (what: string): string => {
    flags(FLAGS.none);
    const value = rest.trim();
    if (value === "") throw fail(`${keyword} requires exactly one argument${what}`);
    return value;
  };
  const json = (text: string) => {
    const r = parseJsonArray(text);
    if (r.kind === "invalid") throw fail(r.message);
    return r.kind === "json" ? r.items : undefined;
  };
  const command = (text: string): CommandForm => {
    const args = json(text);
    return args === undefined ? { form: "shell", command: text.trim() } : { form: "exec", args };
  };

  switch (keyword) {
    case "FROM": {
      const f = flags(FLAGS.from);
      const args = splitWhitespace(rest);
      if (args.length !== 1 && !(args.length === 3 && args[1]?.toLowerCase() === "as"))
        throw fail("FROM requires either one or three arguments (FROM image [AS name])");
      const name = args[2]?.toLowerCase();
      if (name !== undefined && !STAGE_NAME.test(name))
        throw fail(`invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`);
      return {
        kind: "from",
        ...at,
        image: args[0] ?? "",
        ...(f.platform === undefined ? {} : { platform: f.platform }),
        ...(name === undefined ? {} : { stageName: name }),
      };
    }
    case "RUN": {
      const f = flags(FLAGS.run);
      const network = f.network;
      if (network !== undefined && network !== "default" && network !== "none" && network !== "host")
        throw fail(`unsupported network mode "${network}" (default, none or host)`);
      const mounts = f.mount.map((spec) => {
        try {
          return checkMountSpec(spec);
        } catch (err) {
          throw fail((err as Error).message, err);
        }
      });
      const cmd = command(rest);
      if (cmd.form === "shell" ? cmd.command === "" : cmd.args.length === 0) throw fail("RUN requires at least one argument");
      return { kind: "run", ...at, command: cmd, mounts, ...(network === undefined ? {} : { network }), heredocs: line.heredocs };
    }
    case "CMD":
    case "ENTRYPOINT":
      flags(FLAGS.none);
      return { kind: keyword === "CMD" ? "cmd" : "entrypoint", ...at, command: command(rest) };
    case "SHELL": {
      flags(FLAGS.none);
      const args = json(rest);
      if (args === undefined) throw fail("SHELL requires the arguments to be in JSON form");
      if (args.length === 0) throw fail("SHELL requires at least one argument");
      return { kind: "shell", ...at, shell: args };
    }
    case "COPY": {
      const f = flags(FLAGS.copy);
      const { sources, dest } = sourcesAndDest(rest, line.heredocs, keyword, fail);
      return { kind: "copy", ...at, sources, dest, from: f.from, chown: f.chown, chmod: f.chmod, link: f.link };
    }
    case "ADD": {
      const f = flags(FLAGS.add);
      const { sources, dest } = sourcesAndDest(rest, line.heredocs, keyword, fail);
      const extra = { checksum: f.checksum, keepGitDir: f["keep-git-dir"] };
      return { kind: "add", ...at, sources, dest, chown: f.chown, chmod: f.chmod, link: f.link, ...extra };
    }
    case "ENV":
    case "LABEL": {
      flags(FLAGS.none);
      const pairs = nameValues(rest, keyword, ctx.escape, fail);
      if (pairs.legacy)
        ctx.warn({ file: ctx.file, line: line.line, message: `"${keyword} key value" is a legacy form; use "${keyword} key=value"` });
      return { kind: keyword === "ENV" ? "env" : "label", ...at, pairs: pairs.pairs };
    }
    case "ARG": {
      flags(FLAGS.none);
      const words = parseWords(rest, ctx.escape);
      if (words.length === 0) throw fail("ARG requires at least one argument");
      const args = words.map((w) => {
        const eq = w.indexOf("=");
        const name = eq < 0 ? w : w.slice(0, eq);
        if (name === "") throw fail(`ARG names can not be blank (in "${w}")`);
        return eq < 0 ? { name } : { name, default: w.slice(eq + 1) };
      });
      return { kind: "arg", ...at, args };
    }
    case "WORKDIR":
      return { kind: "workdir", ...at, path: single("") };
    case "USER":
      return { kind: "user", ...at, user: single(" (USER user[:group])") };
    case "STOPSIGNAL":
      return { kind: "stopsignal", ...at, signal: single(" (a signal name or number)") };
    case "MAINTAINER":
      ctx.warn({ file: ctx.file, line: line.line, message: 'MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors="..."' });
      return { kind: "maintainer", ...at, name: single("") };
    case "EXPOSE": {
      flags(FLAGS.none);
      const ports = splitWhitespace(rest);
      if (ports.length === 0) throw fail("EXPOSE requires at least one argument");
      return { kind: "expose", ...at, ports };
    }
    case "VOLUME": {
      flags(FLAGS.none);
      const paths = json(rest) ?? splitWhitespace(rest);
      if (paths.length === 0) throw fail("VOLUME requires at least one argument");
      if (paths.some((p) => p.trim() === "")) throw fail("VOLUME specified can not be an empty string");
      return { kind: "volume", ...at, paths };
    }
    case "HEALTHCHECK":
      return { kind: "healthcheck", ...at, healthcheck: healthcheck(rest, flags(FLAGS.healthcheck), flagWords.length, fail) };
    case "ONBUILD": {
      flags(FLAGS.none);
      const inner = /^(\S+)/.exec(rest)?.[1]?.toUpperCase() ?? "";
      if (inner === "") throw fail("ONBUILD requires at least one argument");
      if (inner === "ONBUILD") throw fail("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (inner === "FROM" || inner === "MAINTAINER") throw fail(`${inner} isn't allowed as an ONBUILD trigger`);
      const trigger = parseInstruction({ ...line, text: rest }, ctx);
      const expression = rest + heredocsAsText(line.heredocs);
      return { kind: "onbuild", ...at, trigger, expression };
    }
    default:
      throw fail(`unknown instruction: ${word}`);
  }
}

function sourcesAndDest(
  rest: string,
  heredocs: readonly Heredoc[],
  keyword: string,
  fail: (m: string) => Error,
): { sources: CopySource[]; dest: string } {
  const parsed = parseJsonArray(rest);
  if (parsed.kind === "invalid") throw fail(parsed.message);
  const args = parsed.kind === "json" ? parsed.items : splitWhitespace(rest);
  if (args.length < 2)
    throw fail(`${keyword} requires at least two arguments, but only ${args.length === 0 ? "none was" : "one was"} provided. Destination could not be determined`);
  const dest = args[args.length - 1] ?? "";
  const byName = new Map(heredocs.map((h) => [h.name, h]));
  const heredocOf = (word: string) => (parsed.kind === "json" ? undefined : parseHeredocWord(word));
  if (heredocOf(dest) !== undefined) throw fail(`${keyword} cannot use a heredoc as a destination`);
  const sources = args.slice(0, -1).map((path): CopySource => {
    const marker = heredocOf(path);
    const heredoc = marker === undefined ? undefined : byName.get(marker.name);
    return heredoc === undefined ? { kind: "path", path } : { kind: "heredoc", heredoc };
  });
  return { sources, dest };
}

// ENV/LABEL: `KEY value words` (legacy, one pair) or `k=v k2="v 2" ...` — decided by whether the
// first word has an `=`.
function nameValues(
  rest: string,
  keyword: string,
  escape: string,
  fail: (m: string) => Error,
): { pairs: KeyValue[]; legacy: boolean } {
  const words = parseWords(rest, escape);
  if (words.length === 0) throw fail(`${keyword} requires at least one argument`);
  if (!(words[0] ?? "").includes("=")) {
    const m = /^(\S+)\s+([\s\S]+)$/.exec(rest.trim());
    if (m === null) throw fail(`${keyword} must have two arguments (${keyword} key=value)`);
    return { pairs: [{ key: m[1] ?? "", value: m[2] ?? "" }], legacy: true };
  }
  const pairs = words.map((w) => {
    const eq = w.indexOf("=");
    if (eq < 0) throw fail(`syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (eq === 0) throw fail(`${keyword} names can not be blank (in "${w}")`);
    return { key: w.slice(0, eq), value: w.slice(eq + 1) };
  });
  return { pairs, legacy: false };
}

function healthcheck(
  rest: string,
  f: FlagValues<(typeof FLAGS)["healthcheck"]>,
  flagCount: number,
  fail: (m: string) => Error,
): Healthcheck {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest.trim());
  const type = m?.[1]?.toUpperCase();
  if (type === "NONE") {
    if (flagCount > 0 || (m?.[2] ?? "") !== "") throw fail("HEALTHCHECK NONE takes no arguments");
    return { test: "none" };
  }
  if (type !== "CMD") throw fail(`unknown type ${JSON.stringify(m?.[1] ?? "")} in HEALTHCHECK (try CMD)`);
  const body = m?.[2] ?? "";
  const parsed = parseJsonArray(body);
  if (parsed.kind === "invalid") throw fail(parsed.message);
  const command: CommandForm = parsed.kind === "json" ? { form: "exec", args: parsed.items } : { form: "shell", command: body.trim() };
  if (command.form === "shell" ? command.command === "" : command.args.length === 0)
    throw fail("HEALTHCHECK CMD requires a command");
  const duration = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined || text === "") return undefined;
    let ns: number;
    try {
      ns = parseGoDuration(text);
    } catch (err) {
      throw fail(`HEALTHCHECK --${name}: ${(err as Error).message}`);
    }
    if (ns !== 0 && ns < 1e6) throw fail(`HEALTHCHECK --${name} cannot be less than 1ms`);
    return ns;
  };
  let retries: number | undefined;
  if (f.retries !== undefined) {
    retries = /^-?\d+$/.test(f.retries) ? Number(f.retries) : Number.NaN;
    if (Number.isNaN(retries)) throw fail(`HEALTHCHECK --retries: invalid number ${JSON.stringify(f.retries)}`);
    if (retries < 0) throw fail(`HEALTHCHECK --retries cannot be negative (${retries})`);
  }
  const opt = {
    interval: duration("interval", f.interval),
    timeout: duration("timeout", f.timeout),
    startPeriod: duration("start-period", f["start-period"]),
    startInterval: duration("start-interval", f["start-interval"]),
    retries,
  };
  return {
    test: "cmd",
    command,
    ...Object.fromEntries(Object.entries(opt).filter(([, v]) => v !== undefined)),
  };
}
