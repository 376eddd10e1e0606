import { Argument, Command, Option } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../program.ts";
import { commandsOf, commandTreeOf, completionOf, flagsOf, positionalsOf, type CommandNode } from "./command-tree.ts";

const program = () => buildProgram("1.2.3", async () => {}, { writeOut: () => {}, writeErr: () => {} });
const find = (tree: CommandNode, key: string) => commandsOf(tree).find((c) => c.key === key)?.node;

describe("the command tree read from commander", () => {
  it("has every command of the program, nested ones under their parent", () => {
    const p = program();
    const names = (c: Command, parent: string): string[] => c.commands.flatMap((s) => [`${parent} ${s.name()}`, ...names(s, `${parent} ${s.name()}`)]);
    const tree = commandTreeOf(p);
    expect(commandsOf(tree).map((c) => c.key)).toEqual(["tstack", ...names(p, "tstack")]);
    expect(find(tree, "tstack engine")?.commands.map((c) => c.name)).toEqual(["start", "stop", "status"]);
    expect(find(tree, "tstack completion")?.arguments).toEqual([{ name: "shell", variadic: false, complete: { kind: "choices", values: ["bash", "zsh", "fish"] } }]);
  });

  it("has every option of every command, short and long, and --help", () => {
    const p = program();
    const tree = commandTreeOf(p);
    const walk = (c: Command, key: string) => {
      const node = find(tree, key);
      const expected = [...c.options.flatMap((o) => [o.short, o.long].filter((f) => f !== undefined)), "-h", "--help"];
      expect(node?.options.flatMap(flagsOf).sort(), key).toEqual(expected.sort());
      for (const s of c.commands) walk(s, `${key} ${s.name()}`);
    };
    walk(p, "tstack");
    const up = find(tree, "tstack up");
    expect(up?.options.find((o) => o.long === "--detach")).toEqual({ short: "-d", long: "--detach", description: "run in the background" });
    expect(up?.options.find((o) => o.long === "--pull")?.value).toEqual({ name: "policy", complete: { kind: "choices", values: ["always", "missing", "never"] } });
    expect(up?.options.find((o) => o.long === "--exit-code-from")?.value).toEqual({ name: "service", complete: { kind: "services" } });
    expect(find(tree, "tstack")?.options.find((o) => o.long === "--file")?.value?.complete).toEqual({ kind: "files" });
    expect(up?.arguments).toEqual([{ name: "services", variadic: true, complete: { kind: "services" } }]);
  });

  it("reads a small program's options, arguments and choices", () => {
    const c = new Command("x")
      .option("-n, --dry-run", "do nothing")
      .addOption(new Option("--mode <m>", "how").choices(["a", "b"]))
      .option("--out [file]", "where")
      .addOption(new Option("--secret", "hidden").hideHelp())
      .argument("<service>")
      .addArgument(new Argument("[rest...]"));
    expect(commandTreeOf(c)).toEqual({
      name: "x",
      description: "",
      options: [
        { short: "-n", long: "--dry-run", description: "do nothing" },
        { long: "--mode", description: "how", value: { name: "m", complete: { kind: "choices", values: ["a", "b"] } } },
        { long: "--out", description: "where", value: { name: "file", complete: { kind: "files" } } },
        { short: "-h", long: "--help", description: "display help for command" },
      ],
      arguments: [
        { name: "service", variadic: false, complete: { kind: "services" } },
        { name: "rest", variadic: true, complete: { kind: "none" } },
      ],
      commands: [],
    });
  });

  it("refuses a name the scripts could not carry as a plain word", () => {
    expect(() => commandTreeOf(new Command("x").addOption(new Option("--mode <m>").choices(["a b"])))).toThrow(/not a plain word/);
  });
});

describe("completionOf", () => {
  it("completes services, files, choices or nothing by name", () => {
    expect(completionOf("services", undefined)).toEqual({ kind: "services" });
    expect(completionOf("service", [])).toEqual({ kind: "services" });
    expect(completionOf("destination", undefined)).toEqual({ kind: "files" });
    expect(completionOf("service", ["x"])).toEqual({ kind: "choices", values: ["x"] });
    expect(completionOf("seconds", undefined)).toEqual({ kind: "none" });
  });
});

describe("positionalsOf", () => {
  const node = (args: CommandNode["arguments"]): CommandNode => ({ name: "x", description: "", options: [], commands: [], arguments: args });
  const a = (name: string, variadic = false) => ({ name, variadic, complete: completionOf(name, undefined) });

  it("takes a variadic last argument for every later word", () => {
    expect(positionalsOf(node([a("service"), a("command", true)]))).toEqual({ fixed: [a("service")], rest: a("command", true) });
  });
  it("has no rest without one", () => {
    expect(positionalsOf(node([a("service"), a("private_port")]))).toEqual({ fixed: [a("service"), a("private_port")] });
    expect(positionalsOf(node([]))).toEqual({ fixed: [] });
  });
});
