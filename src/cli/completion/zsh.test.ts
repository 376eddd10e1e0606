import { spawnSync } from "node:child_process";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { tstackCommandTree } from "../commands/completion.ts";
import { commandsOf } from "./command-tree.ts";
import { zshCompletion } from "./zsh.ts";

const tree = tstackCommandTree();
const script = zshCompletion(tree);
const hasZsh = spawnSync("sh", ["-c", "command -v zsh"]).status === 0;
// The text between `# <command>` and the next blank line: that command's function.
const functionOf = (key: string) => script.split("\n\n").find((block) => block.startsWith(`# ${key}\n`)) ?? "";

describe("the zsh completion script", () => {
  it.runIf(hasZsh)("is valid zsh (zsh -n)", async () => {
    await execa("zsh", ["-n"], { input: script });
  });

  it("is an autoloadable #compdef file that also registers itself when sourced", () => {
    expect(script.startsWith("#compdef tstack\n")).toBe(true);
    expect(script).toContain("compdef _tstack tstack");
    expect(script).toMatch(/_call_program services tstack \$\{\(@q\)_tstack_globals\} config --services/);
  });

  it("has a function per command with each of its options, dispatched from its parent", () => {
    for (const { path, key, node } of commandsOf(tree)) {
      const fn = ["_tstack_cmd", ...path.slice(1)].join("_");
      const body = functionOf(key);
      expect(body, key).toContain(`\n${fn}() {\n`);
      for (const o of node.options) for (const f of [o.short, o.long]) if (f !== undefined) expect(body, `${key} ${f}`).toMatch(new RegExp(`[\\s{,'(]${f}[=+,'}[ ]`));
      for (const c of node.commands) expect(body).toContain(`        ${c.name}) ${fn}_${c.name} && ret=0 ;;`);
    }
    expect(functionOf("tstack up")).toContain(`'*'--pull='[pull images: always, missing, never]:policy:(always missing never)'`);
    expect(functionOf("tstack up")).toContain(`'(-d --detach)'{-d,--detach}'[run in the background]'`);
    expect(functionOf("tstack up")).toContain(`'*:services:_tstack_services'`);
    expect(functionOf("tstack port")).toContain(`'1:service:_tstack_services' \\\n    '2:private_port: ' && ret=0`);
  });

  it("is well formed: quotes close on each line, each case has its esac, each function its brace", () => {
    const lines = script.split("\n");
    for (const line of lines) expect(line.replaceAll(`'\\''`, "").split("'").length % 2, line).toBe(1);
    const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
    expect(count(/^\s*case .* in$/)).toBe(count(/^\s*esac$/));
    expect(count(/\(\) \{$/)).toBe(count(/^\}$/));
  });
});
