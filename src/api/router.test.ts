import { describe, it, expect } from "vitest";
import { Router, splitVersion } from "./router.ts";

describe("router", () => {
  const r = new Router<string>()
    .add("GET", "/containers/{id}/json", "inspect")
    .add("GET", "/images/{name*}/json", "image")
    .add("POST", "/images/{name*}/tag", "tag")
    .add("GET", "/_ping", "ping");

  it("matches parameters, including image names with slashes and colons", () => {
    expect(r.match("GET", "/containers/abc/json")).toEqual({ handler: "inspect", params: { id: "abc" } });
    expect(r.match("GET", "/images/127.0.0.1:5000/team/app:1/json")?.params).toEqual({ name: "127.0.0.1:5000/team/app:1" });
    expect(r.match("POST", "/images/busybox/tag")?.handler).toBe("tag");
    expect(r.match("HEAD", "/_ping")?.handler).toBe("ping");
  });

  it("tells an unknown path (undefined) from a wrong method (405)", () => {
    expect(r.match("GET", "/nope")).toBeUndefined();
    expect(() => r.match("DELETE", "/_ping")).toThrow(/not allowed/);
  });

  it("strips and checks the API version prefix", () => {
    expect(splitVersion("/v1.41/containers/json")).toEqual({ version: "1.41", path: "/containers/json" });
    expect(splitVersion("/containers/json")).toEqual({ version: undefined, path: "/containers/json" });
    expect(() => splitVersion("/v1.99/info")).toThrow(/too new/);
    expect(() => splitVersion("/v1.12/info")).toThrow(/too old/);
  });
});
