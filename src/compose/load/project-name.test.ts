import { describe, expect, it } from "vitest";
import { isValidProjectName, normalizeProjectName, resolveProjectName } from "./project-name.ts";

describe("project name", () => {
  it("normalises like compose", () => {
    expect(normalizeProjectName("My Project.v2")).toBe("myprojectv2");
    expect(normalizeProjectName("__-x_Y")).toBe("x_y");
    expect(isValidProjectName("ok-name_1")).toBe(true);
    expect(isValidProjectName("Bad")).toBe(false);
    expect(isValidProjectName("-bad")).toBe(false);
  });

  it("follows the precedence -p, COMPOSE_PROJECT_NAME, name:, directory", () => {
    expect(resolveProjectName({ option: "p", environment: "e", fromFile: "f", directoryName: "d" })).toEqual({ name: "p", source: "option" });
    expect(resolveProjectName({ environment: "e", fromFile: "f", directoryName: "d" }).name).toBe("e");
    expect(resolveProjectName({ fromFile: "F!le", directoryName: "d" }).name).toBe("fle");
    expect(resolveProjectName({ directoryName: "My Dir" }).name).toBe("mydir");
  });

  it("rejects invalid explicit names and empty results", () => {
    expect(() => resolveProjectName({ option: "Bad Name" })).toThrow(/invalid project name "Bad Name" \(from -p\)/);
    expect(() => resolveProjectName({ environment: "_x" })).toThrow(/COMPOSE_PROJECT_NAME/);
    expect(() => resolveProjectName({ directoryName: "___" })).toThrow(/project name must not be empty/);
  });
});
