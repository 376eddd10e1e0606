import { describe, expect, it } from "vitest";
import { renderHostnameFile, renderHostsFile } from "./hosts-file.ts";

describe("renderHostsFile", () => {
  it("writes Docker's layout: loopback, extra hosts, then the container's own names", () => {
    expect(
      renderHostsFile({
        hostname: "web",
        domainname: "example.org",
        addresses: ["10.89.0.5"],
        extraHosts: [{ host: "db.local", ip: "192.168.1.10" }, { host: "v6", ip: "fd00::1" }],
      }),
    ).toBe(
      [
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "fe00::0\tip6-localnet",
        "ff00::0\tip6-mcastprefix",
        "ff02::1\tip6-allnodes",
        "ff02::2\tip6-allrouters",
        "192.168.1.10\tdb.local",
        "fd00::1\tv6",
        "10.89.0.5\tweb.example.org web",
        "",
      ].join("\n"),
    );
  });

  it("has no own line without addresses (network none)", () => {
    expect(renderHostsFile({ hostname: "x", addresses: [] }).trim().split("\n")).toHaveLength(6);
  });

  it("rejects bad addresses", () => {
    expect(() => renderHostsFile({ hostname: "x", addresses: [], extraHosts: [{ host: "h", ip: "host-gateway" }] })).toThrow(/invalid IP/);
    expect(() => renderHostsFile({ hostname: "x", addresses: ["nope"] })).toThrow(/invalid container address/);
  });

  it("writes the hostname file", () => {
    expect(renderHostnameFile("abc")).toBe("abc\n");
  });
});
