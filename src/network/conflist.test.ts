import { describe, expect, it } from "vitest";
import { buildConflist } from "./conflist.ts";
import type { NetworkRecord } from "./network-record.ts";

const base: NetworkRecord = {
  id: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  name: "shop_default",
  driver: "bridge",
  subnet: "172.18.0.0/16",
  gateway: "172.18.0.1",
  internal: false,
  attachable: true,
  labels: {},
  options: {},
  created: "2026-01-01T00:00:00.000Z",
  bridge: "tst-0123456789a",
};

describe("buildConflist", () => {
  it("builds bridge + host-local and portmap, no firewall plugin (golden)", async () => {
    const c = buildConflist(base, { ipamDataDir: "/var/lib/tstack/cni/ipam" });
    // host-bridges.ts accepts forwarded traffic once per network instead
    expect(c.plugins.map((p) => p.type)).toEqual(["bridge", "portmap"]);
    await expect(JSON.stringify(c, null, 2) + "\n").toMatchFileSnapshot("./__golden__/conflist-default.json");
  });

  it("gives internal networks neither masquerade nor a default route (golden)", async () => {
    const c = buildConflist({ ...base, internal: true, subnet: "10.7.0.0/24", gateway: "10.7.0.254", ipRange: "10.7.0.0/25" }, { ipamDataDir: "/s/ipam" });
    const bridge = c.plugins[0]!;
    expect(bridge["ipMasq"]).toBe(false);
    expect((bridge["ipam"] as { routes?: unknown }).routes).toBeUndefined();
    // the range starts after the network address and stays inside ip_range
    expect((bridge["ipam"] as { ranges: Record<string, string>[][] }).ranges[0]![0]).toMatchObject({ rangeStart: "10.7.0.1", rangeEnd: "10.7.0.127" });
    await expect(JSON.stringify(c, null, 2) + "\n").toMatchFileSnapshot("./__golden__/conflist-internal.json");
  });
});

describe("masqueradeRule", () => {
  it("is one rule per network, and none for an internal network", async () => {
    const { masqueradeRule } = await import("./host-bridges.ts");
    expect(masqueradeRule({ bridge: "tst-abc", internal: false, subnet: "10.1.0.0/24" })).toEqual([
      "-s", "10.1.0.0/24", "!", "-o", "tst-abc", "-m", "comment", "--comment", "tstack:tst-abc", "-j", "MASQUERADE",
    ]);
    expect(masqueradeRule({ bridge: "tst-abc", internal: true, subnet: "10.1.0.0/24" })).toBeUndefined();
  });
});
