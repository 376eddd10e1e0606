import type { Argument, Command, Option } from "commander";

/**
 * The command line as plain data, read once from commander (commandTreeOf) so that the shell
 * script generators (bash.ts, zsh.ts, fish.ts) are pure functions of it, testable without
 * commander. Names, flags and choices are shell-safe words (checked here); descriptions are
 * free text that each generator quotes.
 */
export interface CommandNode {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionNode[];
  readonly arguments: readonly ArgumentNode[];
  readonly commands: readonly CommandNode[];
}

export interface OptionNode {
  /** "-d"; at least one of short and long is present. */
  readonly short?: string;
  /** "--detach", "--no-deps". */
  readonly long?: string;
  readonly description: string;
  /** Present when the option takes a value (the next word, or after `=` for a long one). */
  readonly value?: { readonly name: string; readonly complete: Completion };
}

export interface ArgumentNode {
  readonly name: string;
  readonly variadic: boolean;
  readonly complete: Completion;
}

/** What completes a word: the project's service names (`tstack config --services`), files, fixed choices, or nothing. */
export type Completion =
  | { readonly kind: "services" }
  | { readonly kind: "files" }
  | { readonly kind: "choices"; readonly values: readonly string[] }
  | { readonly kind: "none" };

const SERVICE_NAMES = /^services?$/;
const FILE_NAMES = /^(path|file|dir|directory|source|destination)$/;
const SAFE_WORD = /^[A-Za-z0-9_.,:=+@%/-]+$/;

/** How a value or argument called `name` completes; commander's choices win. Pure. */
export function completionOf(name: string, choices: readonly string[] | undefined): Completion {
  if (choices !== undefined && choices.length > 0) return { kind: "choices", values: choices.map((c) => safeWord(c, `choice of ${name}`)) };
  if (SERVICE_NAMES.test(name)) return { kind: "services" };
  if (FILE_NAMES.test(name)) return { kind: "files" };
  return { kind: "none" };
}

/** Reads commander's tree: every subcommand, its visible options (with --help) and its arguments. */
export function commandTreeOf(cmd: Command): CommandNode {
  return {
    name: safeWord(cmd.name(), "command name"),
    description: cmd.description(),
    options: cmd.createHelp().visibleOptions(cmd).map(optionNodeOf),
    arguments: cmd.registeredArguments.map(argumentNodeOf),
    commands: cmd.commands.map(commandTreeOf),
  };
}

function optionNodeOf(o: Option): OptionNode {
  const valueName = /[<[]([^>\]]+?)(\.\.\.)?[>\]]/.exec(o.flags)?.[1];
  return {
    ...(o.short !== undefined ? { short: safeWord(o.short, "option") } : {}),
    ...(o.long !== undefined ? { long: safeWord(o.long, "option") } : {}),
    description: o.description,
    ...((o.required || o.optional) && valueName !== undefined ? { value: { name: valueName, complete: completionOf(valueName, o.argChoices) } } : {}),
  };
}

function argumentNodeOf(a: Argument): ArgumentNode {
  return { name: a.name(), variadic: a.variadic, complete: completionOf(a.name(), a.argChoices) };
}

function safeWord(w: string, what: string): string {
  if (!SAFE_WORD.test(w)) throw new Error(`${what} ${JSON.stringify(w)} is not a plain word; the completion scripts cannot carry it`);
  return w;
}

/** A command and its path from the root ("tstack", "engine", "start"). */
export interface CommandAt {
  readonly path: readonly string[];
  /** The path joined by spaces, as the scripts name commands: "tstack engine start". */
  readonly key: string;
  readonly node: CommandNode;
}

/** Every command of the tree, the root first, parents before their subcommands. Pure. */
export function commandsOf(root: CommandNode, parent: readonly string[] = []): CommandAt[] {
  const path = [...parent, root.name];
  return [{ path, key: path.join(" "), node: root }, ...root.commands.flatMap((c) => commandsOf(c, path))];
}

/**
 * A command's positional arguments as the scripts complete them: `fixed[i]` for the i-th word
 * after the command, `rest` for every later one (a variadic last argument; absent: nothing). Pure.
 */
export function positionalsOf(node: CommandNode): { readonly fixed: readonly ArgumentNode[]; readonly rest?: ArgumentNode } {
  const last = node.arguments.at(-1);
  return last?.variadic === true ? { fixed: node.arguments.slice(0, -1), rest: last } : { fixed: node.arguments };
}

/** The option's flags as typed: ["-d", "--detach"]. */
export const flagsOf = (o: OptionNode): string[] => [o.short, o.long].filter((f): f is string => f !== undefined);
