import { describe, it, expect } from "vitest";
import { debFilePrefix, parseControlFields, parseDepends, parseMadison } from "./debian-packages.ts";

describe("apt and dpkg output", () => {
  it("picks each package's first (newest) downloadable version for this architecture", () => {
    const out = [
      "    nodejs | 18.20.4+dfsg-1~deb12u3 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages",
      "    nodejs | 18.20.4+dfsg-1~deb12u2 | http://deb.debian.org/debian bookworm/main amd64 Packages",
      "    nodejs | 18.20.4+dfsg-1~deb12u2 | http://deb.debian.org/debian bookworm/main Sources",
      "redis-tools | 5:7.0.15-1~deb12u10 | http://deb.debian.org/debian-security bookworm-security/main arm64 Packages",
      "redis-tools | 5:7.0.15-1~deb12u7 | http://deb.debian.org/debian bookworm/main amd64 Packages",
    ].join("\n");
    expect([...parseMadison(out, "amd64")]).toEqual([
      ["nodejs", "18.20.4+dfsg-1~deb12u3"],
      ["redis-tools", "5:7.0.15-1~deb12u7"],
    ]);
  });

  it("parses dependency fields into alternatives, without versions or arch qualifiers", () => {
    expect(parseDepends("libc6 (>= 2.34), libssl3 (>= 3.0.0) | libssl1.1, nodejs:any | nodejs (<< 12~), foo [amd64]")).toEqual([
      ["libc6"],
      ["libssl3", "libssl1.1"],
      ["nodejs", "nodejs"],
      ["foo"],
    ]);
    expect(parseDepends("")).toEqual([]);
  });

  it("reads dpkg-deb -f fields, continuation lines included", () => {
    const f = parseControlFields("Pre-Depends: init-system-helpers (>= 1.54~)\nDepends: a,\n b (>= 1)\n");
    expect(f.get("Pre-Depends")).toBe("init-system-helpers (>= 1.54~)");
    expect(f.get("Depends")).toBe("a, b (>= 1)");
  });

  it("names .deb files as apt-get does, epoch colon escaped", () => {
    expect(debFilePrefix("redis-tools", "5:7.0.15-1~deb12u10")).toBe("redis-tools_5%3a7.0.15-1~deb12u10_");
  });
});
