import { describe, expect, it } from "vitest";
import { parsePortBindings } from "./ports.ts";
import { describePortInUse, findHolder, parseSsListeners } from "./port-holders.ts";
import { allocatePorts } from "./port-allocator.ts";
import type { PortProbe } from "./port-probe.ts";

describe("parsePortBindings", () => {
  it("reads Docker's shape, expanding ranges", () => {
    expect(
      parsePortBindings({
        "80/tcp": [{ HostIp: "", HostPort: "8080" }],
        "53/udp": [{ HostIp: "127.0.0.1", HostPort: "5353" }],
        "9000-9001/tcp": [{ HostPort: "19000-19001" }],
        "7000/tcp": [{ HostPort: "" }],
        "6000/tcp": [{ HostPort: "16000-16010" }],
      }),
    ).toEqual([
      { hostPort: 8080, containerPort: 80, protocol: "tcp" },
      { hostIp: "127.0.0.1", hostPort: 5353, containerPort: 53, protocol: "udp" },
      { hostPort: 19000, containerPort: 9000, protocol: "tcp" },
      { hostPort: 19001, containerPort: 9001, protocol: "tcp" },
      { hostPort: 0, containerPort: 7000, protocol: "tcp" },
      { hostPort: 16000, hostPortEnd: 16010, containerPort: 6000, protocol: "tcp" },
    ]);
  });
  it("refuses what it cannot publish", () => {
    expect(() => parsePortBindings({ "80/sctp": [] })).toThrow(/unsupported protocol/);
    expect(() => parsePortBindings({ "80-82/tcp": [{ HostPort: "8080-8081" }] })).toThrow(/differ in length/);
    expect(() => parsePortBindings({ "80/tcp": [{ HostPort: "70000" }] })).toThrow(/above 65535/);
    expect(() => parsePortBindings({ "80/tcp": [{ HostIp: "::1", HostPort: "80" }] })).toThrow(/IPv4 only/);
  });
});

describe("port holders", () => {
  const ss = [
    'tcp   LISTEN 0      511          0.0.0.0:8080      0.0.0.0:*    users:(("nginx",pid=1234,fd=6),("nginx",pid=1235,fd=6))',
    'udp   UNCONN 0      0        127.0.0.1%lo:5353      0.0.0.0:*    users:(("dnsd",pid=77,fd=3))',
    "tcp   LISTEN 0      128            [::]:22         [::]:*",
  ].join("\n");
  it("parses ss and names the holder", () => {
    const h = parseSsListeners(ss);
    expect(h).toEqual([
      { protocol: "tcp", address: "0.0.0.0", port: 8080, pid: 1234, command: "nginx" },
      { protocol: "udp", address: "127.0.0.1", port: 5353, pid: 77, command: "dnsd" },
      { protocol: "tcp", address: "::", port: 22 },
    ]);
    expect(describePortInUse("tcp", 8080, undefined, findHolder(h, "tcp", 8080))).toBe("port 8080/tcp is already in use by pid 1234 (nginx)");
    expect(findHolder(h, "udp", 5353, "192.0.2.2")).toBeUndefined();
    expect(findHolder(h, "tcp", 22, "192.0.2.2")?.port).toBe(22);
  });
});

describe("allocatePorts", () => {
  const probe = (busy: number[]): PortProbe => ({
    isFree: async (_p, port) => !busy.includes(port),
    ephemeral: (() => {
      let n = 40000;
      return async () => n++;
    })(),
    holders: async () => busy.map((port) => ({ protocol: "tcp" as const, address: "0.0.0.0", port, pid: 9, command: "busy" })),
  });
  it("keeps free ports, resolves random ones, and skips tstack's own", async () => {
    const got = await allocatePorts(
      [
        { hostPort: 8080, containerPort: 80, protocol: "tcp" },
        { hostPort: 0, containerPort: 81, protocol: "tcp" },
        { hostPort: 8080, containerPort: 80, protocol: "udp" },
      ],
      [{ owner: "other", mapping: { hostPort: 40000, containerPort: 1, protocol: "tcp" } }],
      probe([]),
    );
    expect(got).toEqual([
      { hostPort: 8080, containerPort: 80, protocol: "tcp" },
      { hostPort: 40001, containerPort: 81, protocol: "tcp" },
      { hostPort: 8080, containerPort: 80, protocol: "udp" },
    ]);
  });
  it("names the holder of a busy port, or the tstack container that has it", async () => {
    await expect(allocatePorts([{ hostPort: 8080, containerPort: 80, protocol: "tcp" }], [], probe([8080]))).rejects.toThrow("port 8080/tcp is already in use by pid 9 (busy)");
    await expect(
      allocatePorts([{ hostPort: 8080, containerPort: 80, protocol: "tcp" }], [{ owner: "abcdef0123456789", mapping: { hostPort: 8080, containerPort: 1, protocol: "tcp" } }], probe([])),
    ).rejects.toThrow("port 8080/tcp is already published by container abcdef012345");
    await expect(
      allocatePorts([{ hostPort: 8080, containerPort: 80, protocol: "tcp" }, { hostIp: "127.0.0.1", hostPort: 8080, containerPort: 81, protocol: "tcp" }], [], probe([])),
    ).rejects.toThrow(/already published twice in this request/);
  });
  it("picks the first free port of a host range", async () => {
    expect(await allocatePorts([{ hostPort: 8000, hostPortEnd: 8002, containerPort: 80, protocol: "tcp" }], [], probe([8000, 8001]))).toEqual([
      { hostPort: 8002, containerPort: 80, protocol: "tcp" },
    ]);
    await expect(allocatePorts([{ hostPort: 8000, hostPortEnd: 8001, containerPort: 80, protocol: "tcp" }], [], probe([8000, 8001]))).rejects.toThrow(/no free host port in 8000-8001/);
  });
});
