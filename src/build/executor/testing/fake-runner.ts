import { posix } from "node:path";
import type { StepProcess, StepRunner, StepRunResult } from "../ports.ts";
import type { FakeSnapshots } from "./fake-snapshots.ts";
import { dirNode, fileNode, removeTree, resolvePath, setNode } from "./fake-tree.ts";

// RUN in memory: a tiny shell over the active snapshot's tree. `/bin/sh -c "a && b"` (or a
// mounted heredoc script, one command a line) runs each command in turn: echo TEXT [> FILE], rm [-rf] PATH, mkdir [-p] PATH, touch PATH, cat PATH,
// true, false, exit N, and `wait NAME`, which blocks until the test calls release(NAME) (or the
// build is aborted). It records every run, and how many overlapped.

export class FakeRunner implements StepRunner {
  readonly runs: { readonly key: string; readonly process: StepProcess }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly gates = new Map<string, { promise: Promise<void>; release: () => void }>();

  constructor(private readonly snapshots: FakeSnapshots) {}

  /** Lets every `wait name` go on (those waiting now and later). */
  release(name: string): void {
    this.gate(name).release();
  }

  async run(key: string, process: StepProcess, io: { readonly signal: AbortSignal; readonly onOutput?: (chunk: string) => void }): Promise<StepRunResult> {
    this.runs.push({ key, process });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let output = "";
    const print = (text: string) => {
      output += text;
      io.onOutput?.(text);
    };
    try {
      const [sh, dashC, script] = process.argv;
      let text = sh === "/bin/sh" && dashC === "-c" && script !== undefined ? script : process.argv.join(" ");
      // A mounted heredoc script: its lines after the #! line.
      const file = process.files.find((f) => f.path === text);
      if (file !== undefined) text = file.content.split("\n").slice(1).filter((l) => l.trim() !== "").join(" && ");
      for (const command of text.split("&&").map((c) => c.trim())) {
        io.signal.throwIfAborted();
        const code = await this.command(key, command, process.workdir, print, io.signal);
        if (code !== 0) return { exitCode: code, outputTail: output };
      }
      return { exitCode: 0, outputTail: output };
    } finally {
      this.inFlight--;
    }
  }

  private async command(key: string, command: string, cwd: string, print: (text: string) => void, signal: AbortSignal): Promise<number> {
    const tree = this.snapshots.activeTree(key);
    const abs = (p: string) => resolvePath(tree, posix.resolve(cwd, p), true);
    const [name = "", ...args] = command.split(/\s+/);
    const operands = args.filter((a) => !a.startsWith("-"));
    switch (name) {
      case "true":
        return 0;
      case "false":
        return 1;
      case "exit":
        return Number(args[0] ?? 0);
      case "echo": {
        const redirect = args.indexOf(">");
        if (redirect < 0) print(`${args.join(" ")}\n`);
        else setNode(tree, abs(args[redirect + 1] ?? ""), fileNode(`${args.slice(0, redirect).join(" ")}\n`));
        return 0;
      }
      case "rm":
        for (const p of operands) removeTree(tree, abs(p));
        return 0;
      case "mkdir":
        for (const p of operands) setNode(tree, abs(p), tree.get(abs(p)) ?? dirNode());
        return 0;
      case "touch":
        for (const p of operands) setNode(tree, abs(p), tree.get(abs(p)) ?? fileNode(""));
        return 0;
      case "cat": {
        const node = tree.get(abs(operands[0] ?? ""));
        if (node?.type !== "file") {
          print(`cat: ${operands[0]}: No such file or directory\n`);
          return 1;
        }
        print(node.content);
        return 0;
      }
      case "wait":
        await abortable(this.gate(args[0] ?? "").promise, signal);
        return 0;
      default:
        print(`sh: ${name}: not found\n`);
        return 127;
    }
  }

  private gate(name: string) {
    let gate = this.gates.get(name);
    if (gate === undefined) {
      let release = () => {};
      const promise = new Promise<void>((resolve) => (release = resolve));
      gate = { promise, release };
      this.gates.set(name, gate);
    }
    return gate;
  }
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, reject);
  });
}
