import { describe, expect, it } from "vitest";
import { shimArgs, type ShimCreateOptions, type ShimExecOptions } from "./shim-options.ts";

const common = {
  binary: "/opt/tstack-shim",
  id: "c1",
  runtime: "/usr/sbin/runc",
  runtimeRoot: "/run/tstack/runc",
  stateDir: "/run/tstack/shims/c1",
  exitFile: "/run/tstack/exits/c1.json",
};

describe("shimArgs", () => {
  it("builds a create command line", () => {
    const o: ShimCreateOptions = { ...common, mode: "create", bundle: "/b/c1", logPath: "/l/c1.log", logMaxSize: 1000, logMaxFiles: 3, tty: true, stdin: true, start: true };
    expect(shimArgs(o)).toEqual([
      "create", "--id", "c1", "--bundle", "/b/c1",
      "--runtime", "/usr/sbin/runc", "--runtime-root", "/run/tstack/runc",
      "--state-dir", "/run/tstack/shims/c1", "--exit-file", "/run/tstack/exits/c1.json",
      "--log-path", "/l/c1.log", "--log-max-size", "1000", "--log-max-files", "3", "--start", "--tty", "--stdin",
    ]);
  });

  it("builds an exec command line without optional flags", () => {
    const o: ShimExecOptions = { ...common, mode: "exec", execId: "e1", processFile: "/s/e1/process.json", waitAttachMs: 5000 };
    expect(shimArgs(o)).toEqual([
      "exec", "--id", "c1", "--exec-id", "e1", "--process", "/s/e1/process.json",
      "--runtime", "/usr/sbin/runc", "--runtime-root", "/run/tstack/runc",
      "--state-dir", "/run/tstack/shims/c1", "--exit-file", "/run/tstack/exits/c1.json",
      "--wait-attach", "5000",
    ]);
  });

  it("rejects relative paths and bad numbers", () => {
    expect(() => shimArgs({ ...common, mode: "create", bundle: "rel", logPath: "/l" })).toThrow(/absolute/);
    expect(() => shimArgs({ ...common, mode: "create", bundle: "/b", logPath: "/l", logMaxSize: -1 })).toThrow(/non-negative/);
    expect(() => shimArgs({ ...common, id: "", mode: "create", bundle: "/b", logPath: "/l" })).toThrow(/id/);
    expect(() => shimArgs({ ...common, mode: "exec", execId: "", processFile: "/p" })).toThrow(/exec id/);
  });
});
