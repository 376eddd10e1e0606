import { describe, expect, it } from "vitest";
import { buildProgram, GLOBAL_VALUE_OPTIONS, invokedCommand, type Invocation } from "./program.ts";

const KNOWN = new Set(["up", "down", "ps", "logs", "engine", "config", "run", "exec"]);
const quiet = { writeOut: () => {}, writeErr: () => {} };

describe("invokedCommand", () => {
  it("is the first word after the global options", () => {
    expect(invokedCommand(["up", "-d"], KNOWN)).toBe("up");
    expect(invokedCommand(["-f", "a.yaml", "-p", "x", "--debug", "up", "-d"], KNOWN)).toBe("up");
    expect(invokedCommand(["--file=a.yaml", "--progress", "plain", "logs", "-f"], KNOWN)).toBe("logs");
    expect(invokedCommand(["-H", "unix:///s", "engine", "status"], KNOWN)).toBe("engine");
  });

  it("is undefined when help, the version, an unknown command or an odd option may be meant", () => {
    for (const argv of [[], ["--help"], ["-h", "up"], ["-v"], ["--version"], ["frobnicate"], ["-fx", "up"], ["--", "up"], ["--nope", "up"], ["-f"]]) {
      expect(invokedCommand(argv, KNOWN), argv.join(" ")).toBeUndefined();
    }
  });

  it("knows every global option that takes a value, and no other", () => {
    const program = buildProgram("0", async () => {}, quiet);
    const valued = program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined));
    expect([...GLOBAL_VALUE_OPTIONS].sort()).toEqual(valued.sort());
  });

  it("a program built for the invoked command dispatches exactly as the whole program does", async () => {
    const lines = [
      ["up", "-d", "--wait", "web"],
      ["-f", "a.yaml", "-f", "b.yaml", "--profile", "p", "up", "--scale", "web=2", "-t", "3"],
      ["--ansi", "never", "logs", "-f", "--tail", "5", "db"],
      ["down", "-v", "--rmi", "local"],
      ["engine", "stop", "--timeout", "5"],
      ["run", "--rm", "-e", "A=1", "web", "sh", "-c", "echo hi"],
      ["exec", "-T", "web", "ls", "-l"],
      ["config", "--services"],
    ];
    for (const argv of lines) {
      const seen: [Invocation, unknown][] = [];
      const run = async (only?: string) => {
        await buildProgram("0", async (inv, g) => void seen.push([inv, g]), quiet, only).parseAsync(argv, { from: "user" });
        return seen.pop();
      };
      const only = invokedCommand(argv, KNOWN);
      expect(only, argv.join(" ")).toBe(argv.find((a) => KNOWN.has(a)));
      expect(await run(only), argv.join(" ")).toEqual(await run());
    }
  });
});
