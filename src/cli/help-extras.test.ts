import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { ENV_VARS } from "./env-vars.ts";
import { COMMAND_HELP, helpExtrasText, PROGRAM_HELP, type HelpExtras } from "./help-extras.ts";
import { buildProgram, type Invocation } from "./program.ts";

function program(onDispatch: (inv: Invocation) => void = () => {}) {
  let out = "";
  const p = buildProgram("1.2.3", async (inv) => onDispatch(inv), { writeOut: (s) => void (out += s), writeErr: () => {} });
  return { p, out: () => out, reset: () => void (out = "") };
}

// "up" → its commander Command, as main.ts dispatches them ("engine start" under "engine").
function commandsByName(root: Command): Map<string, Command> {
  const out = new Map<string, Command>();
  const walk = (c: Command, prefix: string) => {
    for (const s of c.commands) {
      out.set(`${prefix}${s.name()}`, s);
      walk(s, `${prefix}${s.name()} `);
    }
  };
  walk(root, "");
  return out;
}

// The tstack command line in an example: `sudo X=1 tstack engine` → ["engine"]; shell syntax
// (redirections, pipes, `<(…)`) ends it.
function argvOf(example: string): string[] | undefined {
  const m = /(?:^|[\s(])tstack((?:\s+[^\s)|>;&]+)*)/.exec(example);
  return m?.[1]?.trim().split(/\s+/).filter((w) => w !== "");
}

async function dispatchedBy(argv: readonly string[]): Promise<string> {
  let command = "";
  await program((inv) => void (command = inv.command)).p.parseAsync([...argv], { from: "user" });
  return command;
}

describe("help extras", () => {
  it("exist for every command and only for commands", () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual([...commandsByName(program().p).keys()].sort());
  });

  it("end every command's --help: one to three examples, then the environment it reads", () => {
    const prog = program();
    for (const [name, cmd] of commandsByName(prog.p)) {
      const extras = COMMAND_HELP[name] as HelpExtras;
      prog.reset();
      cmd.outputHelp();
      expect(prog.out(), name).toMatch(/\nExamples:\n {2}\S/);
      expect(prog.out().endsWith(`${helpExtrasText(extras)}\n`), name).toBe(true);
      expect(extras.examples.length, name).toBeGreaterThanOrEqual(1);
      expect(extras.examples.length, name).toBeLessThanOrEqual(3);
      if (extras.environment.length > 0) expect(prog.out(), name).toContain(`\nEnvironment:\n  ${extras.environment[0]} `);
    }
  });

  it("end tstack --help with examples and the global environment", () => {
    const prog = program();
    prog.p.outputHelp();
    expect(prog.out().endsWith(`${helpExtrasText(PROGRAM_HELP)}\n`)).toBe(true);
    expect(prog.out()).toMatch(/\nExamples:\n {2}tstack up -d --wait +# .*\n[\s\S]*\nEnvironment:\n {2}COMPOSE_FILE +compose files/);
  });

  it("show examples that are command lines of their own command", async () => {
    for (const [name, extras] of Object.entries(COMMAND_HELP)) {
      for (const [example] of extras.examples) {
        const argv = argvOf(example);
        expect(argv, example).toBeDefined();
        expect(await dispatchedBy(argv ?? []), example).toBe(name);
      }
    }
    for (const [example] of PROGRAM_HELP.examples) expect(await dispatchedBy(argvOf(example) ?? []), example).not.toBe("");
  });

  it("name only variables that src really reads", () => {
    const src = fileURLToPath(new URL("..", import.meta.url));
    const sources = (readdirSync(src, { recursive: true, encoding: "utf8" }) as string[])
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !/(^|\/)(env-vars|help-extras)\.ts$/.test(f))
      .map((f) => readFileSync(join(src, f), "utf8"));
    const listed = new Set([...PROGRAM_HELP.environment, ...Object.values(COMMAND_HELP).flatMap((e) => e.environment)]);
    expect([...listed].sort()).toEqual(Object.keys(ENV_VARS).sort());
    for (const name of listed) expect(sources.some((s) => s.includes(`["${name}"]`)), `${name} is read as env["${name}"] somewhere in src`).toBe(true);
  });
});

describe("helpExtrasText", () => {
  it("aligns examples with what they do, and variables with their meaning", () => {
    expect(helpExtrasText({ examples: [["tstack ps", "list"], ["tstack ps -a", "all"]], environment: ["DOCKER_HOST", "NO_COLOR"] })).toBe(
      [
        "",
        "Examples:",
        "  tstack ps     # list",
        "  tstack ps -a  # all",
        "",
        "Environment:",
        `  DOCKER_HOST  ${ENV_VARS.DOCKER_HOST}`,
        `  NO_COLOR     ${ENV_VARS.NO_COLOR}`,
      ].join("\n"),
    );
  });

  it("leaves the environment out when the command reads none", () => {
    expect(helpExtrasText({ examples: [["tstack version", "print it"]], environment: [] })).toBe("\nExamples:\n  tstack version  # print it");
  });
});
