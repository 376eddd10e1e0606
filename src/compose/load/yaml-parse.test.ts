import { describe, expect, it } from "vitest";
import { ComposeLoadError } from "./errors.ts";
import { PositionIndex } from "./positions.ts";
import { parseComposeYaml } from "./yaml-parse.ts";

const parse = (text: string, maxAliasNodes?: number) => {
  const positions = new PositionIndex();
  const docs = parseComposeYaml(text, "/p/compose.yaml", positions, { maxAliasNodes });
  return { docs, positions };
};

const errorOf = (fn: () => unknown): ComposeLoadError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeLoadError);
    return err as ComposeLoadError;
  }
  throw new Error("expected an error");
};

describe("parseComposeYaml", () => {
  it("produces a plain tree with positions of every entry", () => {
    const { docs, positions } = parse("services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n      - '443'\n");
    expect(docs).toHaveLength(1);
    const tree = docs[0]!.tree;
    expect(tree).toEqual({ services: { web: { image: "nginx", ports: ["80:80", "443"] } } });
    expect(positions.lookup(tree, ["services", "web", "image"])).toEqual({ file: "/p/compose.yaml", line: 3, column: 5 });
    expect(positions.lookup(tree, ["services", "web", "ports", 1])).toEqual({ file: "/p/compose.yaml", line: 6, column: 9 });
    // Unknown deeper paths fall back to the nearest known ancestor.
    expect(positions.lookup(tree, ["services", "web", "image", "nope"])?.line).toBe(3);
  });

  it("reads YAML 1.1 octal like 0440 as octal, keeps yes/no and port-like strings as strings", () => {
    const { docs } = parse("a: 0440\nb: yes\nc: 8080:80\nd: 0o17\ne: 10\nf: '0440'\ng: 0\n");
    expect(docs[0]!.tree).toEqual({ a: 288, b: "yes", c: "8080:80", d: 15, e: 10, f: "0440", g: 0 });
  });

  it("returns no documents for an empty file and one per document otherwise", () => {
    expect(parse("# Empty file\n").docs).toEqual([]);
    expect(parse("a: 1\n---\nb: 2\n").docs.map((d) => d.tree)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("rejects a top level that is not a mapping", () => {
    for (const text of ["1", '"hello"', '["hello"]']) {
      expect(errorOf(() => parse(text)).message).toContain("top-level object must be a mapping");
    }
  });

  it("rejects non-string keys naming where they are", () => {
    expect(errorOf(() => parse("123:\n  foo: 1\n")).message).toContain("non-string key at top level: 123");
    const e = errorOf(() => parse("services:\n  foo:\n    image: x\n  123:\n    image: y\n"));
    expect(e.message).toContain("non-string key in services: 123");
    expect(e.line).toBe(4);
    expect(errorOf(() => parse("a:\n  - 123: x\n")).message).toContain("non-string key in a[0]: 123");
  });

  it("rejects duplicate keys with both lines", () => {
    const e = errorOf(() => parse("services:\n  foo:\n    command: hello\n    command: !reset hello world\n"));
    expect(e.message).toContain('line 4: mapping key "command" already defined at line 3');
    expect(e.line).toBe(4);
  });

  it("reports YAML syntax errors such as tab indentation with a line", () => {
    const e = errorOf(() => parse("name: test\nservices:\n  web:\n    image: nginx\n\tbuild: ."));
    expect(e.message).toMatch(/[Tt]ab/);
    expect(e.line).toBe(5);
    expect(e.file).toBe("/p/compose.yaml");
  });

  it("expands aliases and merge keys, explicit keys winning", () => {
    const { docs } = parse(
      "x-base: &base\n  image: a\n  env: {A: 1}\nx-more: &more\n  image: b\n  tty: true\nservices:\n  web:\n    <<: [*base, *more]\n    image: c\n  db: *base\n",
    );
    const tree = docs[0]!.tree as { services: Record<string, unknown> };
    expect(tree.services["web"]).toEqual({ image: "c", env: { A: 1 }, tty: true });
    expect(tree.services["db"]).toEqual({ image: "a", env: { A: 1 } });
    // Expanded copies are independent objects.
    expect(tree.services["db"]).not.toBe((tree as Record<string, unknown>)["x-base"]);
  });

  it("rejects a merge key whose value is not a mapping", () => {
    const e = errorOf(() => parse('x-scalar: &s "not-a-map"\nservices:\n  s1:\n    <<: *s\n'));
    expect(e.message).toContain("map merge requires map");
    expect(e.path).toBe("services.s1");
  });

  it("rejects an alias that refers to its own ancestor", () => {
    const e = errorOf(() => parse("x-healthcheck: &healthcheck\n  egress-service:\n    <<: *healthcheck\n"));
    expect(e.message).toContain("cycle detected");
  });

  it("stops alias bombs quickly", () => {
    const lines = ["x-a: &a {k: v}"];
    const names = "abcdefghij";
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      lines.push(`x-${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const started = Date.now();
    const e = errorOf(() => parse(lines.join("\n") + "\n"));
    expect(e.message).toContain("excessive aliasing");
    expect(Date.now() - started).toBeLessThan(5000);
    // The same document with a small fan-out is fine.
    expect(() => parse("x-a: &a {k: v}\nx-b: [*a, *a, *a]\n", 10)).not.toThrow();
    expect(() => parse("x-a: &a {k: v}\nx-b: [*a, *a, *a, *a, *a, *a]\n", 10)).toThrow(/excessive aliasing/);
  });

  it("records !reset (dropping the value) and !override (keeping it)", () => {
    const { docs } = parse("services:\n  web:\n    ports: !reset []\n    command: !reset\n    environment: !override\n      A: 1\n    image: !override 5\n");
    const doc = docs[0]!;
    expect(doc.tree).toEqual({ services: { web: { environment: { A: 1 }, image: 5 } } });
    expect(doc.tagged).toEqual([
      { path: ["services", "web", "ports"], kind: "reset" },
      { path: ["services", "web", "command"], kind: "reset" },
      { path: ["services", "web", "environment"], kind: "override" },
      { path: ["services", "web", "image"], kind: "override" },
    ]);
  });
});
