import { spawnSync } from "node:child_process";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { tstackCommandTree } from "../commands/completion.ts";
import { commandsOf } from "./command-tree.ts";
import { fishCompletion } from "./fish.ts";

const tree = tstackCommandTree();
const script = fishCompletion(tree);
const hasFish = spawnSync("sh", ["-c", "command -v fish"]).status === 0;

describe("the fish completion script", () => {
  it.runIf(hasFish)("is valid fish (fish --no-execute)", async () => {
    await execa("fish", ["--no-execute"], { input: script });
  });

  it("completes each command's subcommands and options under a condition on the command", () => {
    for (const { key, node } of commandsOf(tree)) {
      for (const c of node.commands) expect(script).toContain(`complete -c tstack -n '__tstack_needs_subcommand "${key}"' -f -a ${c.name} -d `);
      for (const o of node.options) {
        const flags = [...(o.short !== undefined ? [`-s ${o.short.slice(1)}`] : []), ...(o.long !== undefined ? [`-l ${o.long.slice(2)}`] : [])].join(" ");
        expect(script, `${key} ${flags}`).toContain(`complete -c tstack -n '__tstack_using "${key}"' ${flags} `);
      }
    }
    expect(script).toContain(`complete -c tstack -n '__tstack_using "tstack up"' -l pull -x -a 'always missing never' -d 'pull images: always, missing, never'`);
    expect(script).toContain(`complete -c tstack -n '__tstack_argument "tstack up" 0 rest' -f -a '(__tstack_services)'`);
    expect(script).toContain(`complete -c tstack -n '__tstack_argument "tstack completion" 0' -f -a 'bash zsh fish'`);
    expect(script).toContain("    tstack $s config --services 2>/dev/null");
  });

  it("knows which options take a value, to skip it when scanning the line", () => {
    expect(script).toMatch(/case 'tstack up'\n\s+printf '%s\\n' --scale --pull --wait-timeout --exit-code-from -t --timeout\n/);
  });

  it("is well formed: quotes close on each line, each block has its end", () => {
    const lines = script.split("\n");
    for (const line of lines) expect(line.replaceAll("\\\\", "").replaceAll("\\'", "").split("'").length % 2, line).toBe(1);
    const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
    expect(count(/^\s*(function|for|switch|if) /)).toBe(count(/^\s*end$/));
  });
});
