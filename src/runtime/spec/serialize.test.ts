import { describe, expect, it } from "vitest";
import type { OciSpec } from "./oci-types.ts";
import { RLIM_INFINITY } from "./rlimits.ts";
import { serializeSpec } from "./serialize.ts";

const spec: OciSpec = {
  ociVersion: "1.0.2-dev",
  process: {
    user: { uid: 0, gid: 0 },
    args: ["sh", "-c", "echo \"hi\"\n"],
    cwd: "/",
    rlimits: [{ type: "RLIMIT_CORE", hard: RLIM_INFINITY, soft: 0n }],
  },
  root: { path: "rootfs" },
  mounts: [],
  linux: { namespaces: [{ type: "pid" }], sysctl: {} },
};

describe("serializeSpec", () => {
  it("writes exact uint64 rlimits that JSON.stringify cannot", () => {
    const text = serializeSpec(spec);
    expect(text).toContain('"hard": 18446744073709551615');
    expect(text).toContain('"soft": 0');
    expect(() => JSON.stringify(spec)).toThrow();
  });

  it("produces JSON equal to the object (apart from bigints) and ends with a newline", () => {
    const noRlimits: OciSpec = { ...spec, process: { ...spec.process, rlimits: [] } };
    const text = serializeSpec(noRlimits);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(noRlimits)));
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("omits undefined fields and refuses non-finite numbers", () => {
    expect(serializeSpec({ ...spec, hostname: undefined })).not.toContain("hostname");
    expect(() => serializeSpec({ ...spec, process: { ...spec.process, oomScoreAdj: Infinity } })).toThrow(/\$\.process\.oomScoreAdj/);
  });
});
