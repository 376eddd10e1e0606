import { describe, expect, it } from "vitest";
import { ComposeLoadError } from "./errors.ts";
import { interpolateTree } from "./interpolate.ts";
import { PositionIndex } from "./positions.ts";
import { parseComposeYaml } from "./yaml-parse.ts";

function run(yaml: string, env: Record<string, string>) {
  const positions = new PositionIndex();
  const [doc] = parseComposeYaml(yaml, "/x/compose.yaml", positions);
  const tree = doc!.tree;
  interpolateTree(tree, { lookup: (n) => env[n], positions });
  return tree;
}

describe("interpolateTree", () => {
  it("substitutes values but never keys, and casts typed fields", () => {
    const tree = run(
      "services:\n  ${SVC}:\n    image: ${IMG:-nginx}\n    tty: ${TTY}\n    deploy:\n      replicas: ${N}\n    environment:\n      KEY: ${N}\n    ports:\n      - target: ${N}\n",
      { SVC: "web", TTY: "yes", N: "3" },
    );
    expect(tree).toEqual({
      services: {
        "${SVC}": { image: "nginx", tty: true, deploy: { replicas: 3 }, environment: { KEY: "3" }, ports: [{ target: 3 }] },
      },
    });
  });

  it("leaves uninterpolated typed values alone", () => {
    expect(run("services:\n  a:\n    tty: 'maybe'\n", {})).toEqual({ services: { a: { tty: "maybe" } } });
  });

  it("names the path and position of a failing value", () => {
    let err: unknown;
    try {
      run("services:\n  web:\n    image: ${FOO:?err}\n", {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ComposeLoadError);
    expect((err as Error).message).toBe(
      "/x/compose.yaml:3:5: services.web.image: required variable FOO is missing a value: err",
    );
    expect(() => run("services:\n  web:\n    ports:\n      - '${'\n", {})).toThrow(
      /compose\.yaml:4:9: services\.web\.ports\[0\]: invalid interpolation format/,
    );
    expect(() => run("services:\n  web:\n    tty: ${T}\n", { T: "maybe" })).toThrow(/services\.web\.tty: failed to cast/);
  });
});
