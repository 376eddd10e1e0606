import { describe, expect, it } from "vitest";
import { parsePortLong, parsePortShort } from "./ports.ts";

const val = (spec: string | number) => {
  const r = parsePortShort(spec);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const err = (spec: string) => {
  const r = parsePortShort(spec);
  return r.ok ? undefined : r.error;
};

describe("parsePortShort", () => {
  it("container port only", () => {
    expect(val("80")).toEqual([{ target: 80, protocol: "tcp", mode: "ingress" }]);
    expect(val(80)).toEqual([{ target: 80, protocol: "tcp", mode: "ingress" }]);
  });
  it("published:target", () => {
    expect(val("8080:80")).toEqual([{ target: 80, published: "8080", protocol: "tcp", mode: "ingress" }]);
  });
  it("ip:published:target/protocol", () => {
    expect(val("127.0.0.1:8080:80/udp")).toEqual([
      { target: 80, published: "8080", host_ip: "127.0.0.1", protocol: "udp", mode: "ingress" },
    ]);
  });
  it("ip with a random published port", () => {
    expect(val("127.0.0.1::80")).toEqual([{ target: 80, host_ip: "127.0.0.1", protocol: "tcp", mode: "ingress" }]);
  });
  it("IPv6 host addresses, bracketed or not", () => {
    expect(val("[::1]:8080:80")[0]?.host_ip).toBe("::1");
    expect(val("::1:8080:80")[0]?.host_ip).toBe("::1");
  });
  it("equal ranges expand pairwise", () => {
    expect(val("9000-9002:9000-9002").map((p) => [p.published, p.target])).toEqual([
      ["9000", 9000],
      ["9001", 9001],
      ["9002", 9002],
    ]);
  });
  it("a container range alone expands", () => {
    expect(val("3000-3001").map((p) => p.target)).toEqual([3000, 3001]);
  });
  it("a published range for one container port stays a range", () => {
    expect(val("8000-8010:80")).toEqual([{ target: 80, published: "8000-8010", protocol: "tcp", mode: "ingress" }]);
  });
  it("rejects bad specs", () => {
    expect(err("80800")).toMatch(/out of range/);
    expect(err("127.0.1:8080:80")).toMatch(/invalid IP address "127.0.1"/);
    expect(err("8080:80/http")).toMatch(/invalid protocol/);
    expect(err("9000-9002:80-81")).toMatch(/don't match/);
    expect(err("9002-9000:80")).toMatch(/end is before start/);
    expect(err("abc")).toMatch(/invalid container port/);
    expect(err("8080:")).toMatch(/no container port/);
    expect(err("0")).toMatch(/invalid container port 0/);
  });
});

describe("parsePortLong", () => {
  it("writes defaults and normalises published to a string", () => {
    expect(parsePortLong({ target: 80, published: 8080 })).toEqual({
      ok: true,
      value: { target: 80, published: "8080", protocol: "tcp", mode: "ingress" },
    });
    expect(parsePortLong({ target: "80", published: "8080", protocol: "tcp", mode: "ingress" })).toEqual(parsePortLong({ target: 80, published: 8080 }));
  });
  it("rejects a bad host_ip and target", () => {
    expect(parsePortLong({ target: 80, host_ip: "300.1.1.1" }).ok).toBe(false);
    expect(parsePortLong({ target: 70000 }).ok).toBe(false);
  });
});
