import { describe, expect, it } from "vitest";
import { cidrsOverlap, formatCidr, parseCidr, parseIPv4, formatIPv4 } from "./ipv4.ts";
import { allocateSubnet, DEFAULT_ADDRESS_POOLS } from "./subnet-pool.ts";
import { planAddresses, bridgeNameFor } from "./network-record.ts";
import { parseIpJsonRoutes, parseProcNetRoute } from "./host-routes.ts";

describe("ipv4", () => {
  it("parses, formats and compares prefixes", () => {
    expect(formatIPv4(parseIPv4("172.18.0.5"))).toBe("172.18.0.5");
    expect(formatCidr(parseCidr("172.18.3.5/16"))).toBe("172.18.0.0/16");
    expect(cidrsOverlap(parseCidr("10.0.0.0/8"), parseCidr("10.1.0.0/16"))).toBe(true);
    expect(cidrsOverlap(parseCidr("10.0.0.0/16"), parseCidr("10.1.0.0/16"))).toBe(false);
    expect(() => parseIPv4("256.1.1.1")).toThrow(/invalid IPv4/);
    expect(() => parseCidr("10.0.0.0/33")).toThrow(/invalid IPv4 subnet/);
  });
});

describe("subnet allocation", () => {
  it("takes the first pool subnet that clashes with nothing, then 192.168 /20s", () => {
    expect(allocateSubnet(DEFAULT_ADDRESS_POOLS, [])).toBe("172.17.0.0/16");
    expect(allocateSubnet(DEFAULT_ADDRESS_POOLS, ["172.17.0.0/16", "172.18.5.0/24"])).toBe("172.19.0.0/16");
    const all172 = Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`);
    expect(allocateSubnet(DEFAULT_ADDRESS_POOLS, [...all172, "192.168.0.0/24"])).toBe("192.168.16.0/20");
    // a host route covering everything leaves nothing
    expect(allocateSubnet(DEFAULT_ADDRESS_POOLS, ["128.0.0.0/1"])).toBeUndefined();
  });

  it("plans user subnets, gateways and ranges, refusing bad ones", () => {
    expect(planAddresses({ name: "n" }, ["172.17.0.0/16"], DEFAULT_ADDRESS_POOLS)).toEqual({ subnet: "172.18.0.0/16", gateway: "172.18.0.1" });
    expect(planAddresses({ name: "n", subnet: "10.5.0.0/24", gateway: "10.5.0.254", ipRange: "10.5.0.128/25" }, [], [])).toEqual({
      subnet: "10.5.0.0/24",
      gateway: "10.5.0.254",
      ipRange: "10.5.0.128/25",
    });
    expect(() => planAddresses({ name: "n", subnet: "192.0.2.0/25" }, ["192.0.2.0/24"], [])).toThrow(/overlaps 192.0.2.0\/24/);
    expect(() => planAddresses({ name: "n", subnet: "10.5.0.0/24", gateway: "10.6.0.1" }, [], [])).toThrow(/not a usable address/);
    expect(() => planAddresses({ name: "n", subnet: "10.5.0.0/24", gateway: "10.5.0.255" }, [], [])).toThrow(/not a usable address/);
    expect(() => planAddresses({ name: "n", subnet: "10.5.0.0/24", ipRange: "10.6.0.0/25" }, [], [])).toThrow(/not inside subnet/);
    expect(() => planAddresses({ name: "n", gateway: "10.5.0.1" }, [], [])).toThrow(/needs a subnet/);
    expect(() => planAddresses({ name: "n", enableIPv6: true }, [], DEFAULT_ADDRESS_POOLS)).toThrow(/IPv6/);
    expect(() => planAddresses({ name: "n" }, ["0.0.0.0/0"], DEFAULT_ADDRESS_POOLS)).toThrow(/fully subnetted/);
  });

  it("names bridges within IFNAMSIZ", () => {
    expect(bridgeNameFor("0123456789abcdef")).toBe("tst-0123456789a");
    expect(bridgeNameFor("0123456789abcdef").length).toBeLessThanOrEqual(15);
  });
});

describe("host routes", () => {
  it("reads `ip -j route` without the default route", () => {
    const json = JSON.stringify([{ dst: "default", gateway: "192.0.2.1" }, { dst: "192.0.2.0/24" }, { dst: "10.9.9.9" }, { dst: "fd00::/64" }]);
    expect(parseIpJsonRoutes(json)).toEqual(["192.0.2.0/24", "10.9.9.9/32"]);
  });
  it("reads /proc/net/route's little-endian words", () => {
    const text = [
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
      "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
    ].join("\n");
    expect(parseProcNetRoute(text)).toEqual(["192.0.2.0/24"]);
  });
});
