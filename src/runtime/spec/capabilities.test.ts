import { describe, expect, it } from "vitest";
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, resolveCapabilities } from "./capabilities.ts";

describe("resolveCapabilities", () => {
  it("gives Docker's 14 default capabilities", () => {
    expect(resolveCapabilities({})).toEqual(DEFAULT_CAPABILITIES);
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
  });

  it("adds and drops, accepting names with or without CAP_ in any case", () => {
    const caps = resolveCapabilities({ capAdd: ["net_admin", "CAP_SYS_PTRACE"], capDrop: ["mknod", "Cap_Net_Raw"] });
    expect(caps).toContain("CAP_NET_ADMIN");
    expect(caps).toContain("CAP_SYS_PTRACE");
    expect(caps).not.toContain("CAP_MKNOD");
    expect(caps).not.toContain("CAP_NET_RAW");
    expect(caps).toHaveLength(14);
  });

  it("does not duplicate a capability added twice or already present", () => {
    const caps = resolveCapabilities({ capAdd: ["CHOWN", "NET_ADMIN", "net_admin"] });
    expect(caps.filter((c) => c === "CAP_CHOWN")).toHaveLength(1);
    expect(caps.filter((c) => c === "CAP_NET_ADMIN")).toHaveLength(1);
  });

  it("drops everything with ALL, keeping only what is added", () => {
    expect(resolveCapabilities({ capDrop: ["ALL"], capAdd: ["chown"] })).toEqual(["CAP_CHOWN"]);
    expect(resolveCapabilities({ capDrop: ["all"] })).toEqual([]);
  });

  it("adds everything with ALL, minus what is dropped", () => {
    const caps = resolveCapabilities({ capAdd: ["ALL"], capDrop: ["SYS_ADMIN"] });
    expect(caps).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(caps).not.toContain("CAP_SYS_ADMIN");
  });

  it("gives privileged containers every capability the kernel knows, ignoring drops", () => {
    expect(resolveCapabilities({ privileged: true, capDrop: ["ALL"] })).toEqual(ALL_CAPABILITIES);
    const caps = resolveCapabilities({ privileged: true, capLastCap: 37 });
    expect(caps).toHaveLength(38);
    expect(caps.at(-1)).toBe("CAP_AUDIT_READ");
  });

  it("rejects unknown capabilities", () => {
    expect(() => resolveCapabilities({ capAdd: ["SUPERPOWER"] })).toThrow(/unknown capability in cap_add: "SUPERPOWER"/);
  });
});
