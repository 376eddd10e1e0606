import { invalidArgument } from "../../common/errors.ts";
import { bashCompletion } from "../completion/bash.ts";
import { commandTreeOf, type CommandNode } from "../completion/command-tree.ts";
import { fishCompletion } from "../completion/fish.ts";
import { isShell, SHELLS, type Shell } from "../completion/shells.ts";
import { zshCompletion } from "../completion/zsh.ts";
import type { CommandContext } from "../context.ts";
import { buildProgram, type Invocation } from "../program.ts";

/** The completion script for `shell`, generated from the command tree. Pure. */
export function completionScript(shell: Shell, tree: CommandNode): string {
  switch (shell) {
    case "bash":
      return bashCompletion(tree);
    case "zsh":
      return zshCompletion(tree);
    case "fish":
      return fishCompletion(tree);
  }
}

/** The command line's tree, read from a program built only to be looked at (buildProgram has no effects). */
export const tstackCommandTree = (): CommandNode => commandTreeOf(buildProgram("", async () => {}, { writeOut: () => {}, writeErr: () => {} }));

// `tstack completion <shell>`: needs neither the project nor the engine, so it stays as cheap as --help.
export async function run(ctx: CommandContext, inv: Invocation): Promise<void> {
  const shell = inv.args[0];
  if (!isShell(shell)) throw invalidArgument(`unknown shell ${JSON.stringify(shell)}: expected one of ${SHELLS.join(", ")}`);
  ctx.io.stdout.write(completionScript(shell, tstackCommandTree()));
}
