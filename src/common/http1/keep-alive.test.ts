import { describe, it, expect } from "vitest";
import { requestKeepsAlive, responseKeepsAlive } from "./keep-alive.ts";

const response = (version: "1.0" | "1.1", headers: Record<string, string> = {}) => ({ version, headers: new Headers(headers) });

describe("keep-alive rules", () => {
  it("keeps an HTTP/1.1 connection unless the response says close, in any case and list position", () => {
    expect(responseKeepsAlive(response("1.1"))).toBe(true);
    expect(responseKeepsAlive(response("1.1", { Connection: "keep-alive" }))).toBe(true);
    expect(responseKeepsAlive(response("1.1", { Connection: "Upgrade, CLOSE" }))).toBe(false);
    expect(responseKeepsAlive(response("1.1", { Connection: "closed" }))).toBe(true);
  });

  it("never keeps an HTTP/1.0 connection, even one that says keep-alive", () => {
    expect(responseKeepsAlive(response("1.0"))).toBe(false);
    expect(responseKeepsAlive(response("1.0", { Connection: "keep-alive" }))).toBe(false);
  });

  it("does not keep a connection the request asked to close", () => {
    expect(requestKeepsAlive({})).toBe(true);
    expect(requestKeepsAlive({ Authorization: "close" })).toBe(true);
    expect(requestKeepsAlive({ connection: " Close " })).toBe(false);
  });
});
