import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tstackCommandTree } from "../commands/completion.ts";
import { bashCompletion } from "./bash.ts";

let dir: string;
let script: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tstack-bash-completion-"));
  script = join(dir, "tstack.bash");
  writeFileSync(script, bashCompletion(tstackCommandTree()));
  writeFileSync(join(dir, "compose.yaml"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Sources the script in a bash child, stands in a `tstack` function for `config --services`
// (it records its arguments), fills COMP_WORDS / COMP_CWORD as bash would for `words` (the last
// one being completed) and prints COMPREPLY.
async function complete(...words: string[]): Promise<{ reply: string[]; calls: string[] }> {
  const calls = join(dir, "calls");
  writeFileSync(calls, "");
  const r = await execa(
    "bash",
    [
      "-c",
      `source "$1"; calls="$2"
tstack() { printf '%s\\n' "$*" >> "$calls"; printf '%s\\n' backend db frontend; }
COMP_WORDS=("\${@:3}"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
_tstack
printf '%s\\n' "\${COMPREPLY[@]}"`,
      "bash",
      script,
      calls,
      ...words,
    ],
    { cwd: dir },
  );
  return { reply: r.stdout.split("\n").filter((l) => l !== ""), calls: readFileSync(calls, "utf8").split("\n").filter((l) => l !== "") };
}

describe("the bash completion script", () => {
  it("is valid bash", async () => {
    await execa("bash", ["-n", script]);
  });

  it("completes a command's options", async () => {
    const { reply } = await complete("tstack", "up", "--");
    expect(reply).toContain("--detach");
    expect(reply).toContain("--force-recreate");
    expect(reply).not.toContain("--file");
    expect((await complete("tstack", "logs", "-")).reply).toEqual(expect.arrayContaining(["-f", "--follow", "--tail", "-h", "--help"]));
  });

  it("completes the commands, and subcommands under theirs", async () => {
    expect((await complete("tstack", "")).reply).toEqual(expect.arrayContaining(["up", "down", "logs", "completion", "engine"]));
    expect((await complete("tstack", "-f", "compose.yaml", "co")).reply).toEqual(["config", "completion"]);
    expect((await complete("tstack", "engine", "sta")).reply).toEqual(["start", "status"]);
  });

  it("completes service names from `tstack config --services`, with the global options typed", async () => {
    const { reply, calls } = await complete("tstack", "-f", "compose.yaml", "-p", "demo", "logs", "-f", "b");
    expect(reply).toEqual(["backend"]);
    expect(calls).toEqual(["-f compose.yaml -p demo config --services"]);
    expect((await complete("tstack", "up", "-d", "--scale", "db=2", "")).reply).toEqual(["backend", "db", "frontend"]);
    expect((await complete("tstack", "up", "--exit-code-from", "")).reply).toEqual(["backend", "db", "frontend"]);
  });

  it("completes positional arguments by position", async () => {
    expect((await complete("tstack", "port", "")).reply).toEqual(["backend", "db", "frontend"]);
    expect((await complete("tstack", "port", "backend", "")).reply).toEqual([]);
    expect((await complete("tstack", "completion", "")).reply).toEqual(["bash", "zsh", "fish"]);
  });

  it("completes option values: choices, also after `=`, and files", async () => {
    expect((await complete("tstack", "up", "--pull", "")).reply).toEqual(["always", "missing", "never"]);
    expect((await complete("tstack", "up", "--pull", "=", "m")).reply).toEqual(["missing"]);
    expect((await complete("tstack", "--ansi", "=")).reply).toEqual(["auto", "never", "always"]);
    expect((await complete("tstack", "-f", "comp")).reply).toEqual(["compose.yaml"]);
    expect((await complete("tstack", "up", "--wait-timeout", "")).reply).toEqual([]);
  });
});
