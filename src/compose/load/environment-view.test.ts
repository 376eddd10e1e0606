import { describe, expect, it } from "vitest";
import { layeredEnvironment } from "./environment-view.ts";
import { loadTree, memoryLoaderFs } from "./index.ts";

describe("layeredEnvironment", () => {
  it("answers by name, the first layer that defines a name winning; undefined counts as absent", () => {
    const env = layeredEnvironment([{ A: "top", U: undefined }, { A: "low", B: "b", U: "u" }]);
    expect(env["A"]).toBe("top");
    expect(env["B"]).toBe("b");
    expect(env["U"]).toBe("u");
    expect(Object.hasOwn(env, "B")).toBe(true);
    expect(Object.hasOwn(env, "C")).toBe(false);
    expect("A" in env).toBe(true);
    expect("C" in env).toBe(false);
    expect(env["C"]).toBeUndefined();
  });

  it("enumerates as the merged copy would", () => {
    const env = layeredEnvironment([{ A: "top" }, { A: "low", B: "b" }]);
    expect({ ...env }).toStrictEqual({ A: "top", B: "b" });
    expect(Object.keys(env).sort()).toEqual(["A", "B"]);
    expect(JSON.parse(JSON.stringify(env))).toEqual({ A: "top", B: "b" });
  });

  it("is read-only", () => {
    const env = layeredEnvironment([{ A: "a" }]) as Record<string, string>;
    expect(() => {
      env["A"] = "b";
    }).toThrow(TypeError);
    expect(() => delete env["A"]).toThrow(TypeError);
    expect(env["A"]).toBe("a");
  });
});

// The project cache records the variables a load depends on by watching lookups: the loader must
// read the injected environment by name only, never enumerate (copy) it.
describe("loadTree reads the environment by name only", () => {
  it("through .env, include (with its own .env), extends and interpolation", async () => {
    const asked = new Set<string>();
    const base: Record<string, string> = { TAG: "1", LIB_TAG: "2", UNUSED: "x", HOME: "/h" };
    const environment = new Proxy(base, {
      get: (t, p, r) => (typeof p === "string" && asked.add(p), Reflect.get(t, p, r) as unknown),
      has: (t, p) => (typeof p === "string" && asked.add(p), Reflect.has(t, p)),
      getOwnPropertyDescriptor: (t, p) => (typeof p === "string" && asked.add(p), Reflect.getOwnPropertyDescriptor(t, p)),
      ownKeys: () => {
        throw new Error("the environment was enumerated");
      },
    });
    const fs = memoryLoaderFs({
      "/p/compose.yaml":
        "include:\n  - lib/compose.yaml\nservices:\n  web:\n    image: w:${TAG}\n    extends: {file: base.yaml, service: b}\n",
      "/p/.env": "FROM_DOTENV=${TAG}-d\n",
      "/p/base.yaml": "services:\n  b:\n    command: [\"${FROM_DOTENV}\"]\n",
      "/p/lib/compose.yaml": "services:\n  lib:\n    image: l:${LIB_TAG}-${LIB_DOTENV}\n",
      "/p/lib/.env": "LIB_DOTENV=ld\n",
    });
    const r = await loadTree({ workingDir: "/p", environment, fs });
    const services = r.tree["services"] as Record<string, Record<string, unknown>>;
    expect(services["web"]).toMatchObject({ image: "w:1", command: ["1-d"] });
    expect(services["lib"]).toMatchObject({ image: "l:2-ld" });
    expect(asked.has("TAG")).toBe(true);
    expect(asked.has("LIB_TAG")).toBe(true);
    expect(asked.has("UNUSED")).toBe(false);
    // What callers read afterwards goes through to the injected environment too.
    expect(r.environment["FROM_DOTENV"]).toBe("1-d");
    expect(r.environment["COMPOSE_PROJECT_NAME"]).toBe("p");
    expect(r.environment["UNUSED"]).toBe("x");
    expect(r.envFiles).toEqual(["/p/.env"]);
  });
});
