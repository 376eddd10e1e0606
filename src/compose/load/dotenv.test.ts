import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir, itCorpus } from "../../../test/support/shared-corpus.ts";
import { parseDotenv } from "./dotenv.ts";
import { ComposeLoadError } from "./errors.ts";

// compose-go's dotenv fixtures, from the shared corpus: the cases that read them are skipped without it.
const FIXTURES = join(corpusDir, "compose-go/dotenv/fixtures");
const fixture = (name: string, lookup?: (n: string) => string | undefined) =>
  parseDotenv(readFileSync(join(FIXTURES, name), "utf8"), name, lookup);
const one = (text: string, key: string) => parseDotenv(text, ".env")[key];

describe("parseDotenv", () => {
  itCorpus("parses the plain fixture (spaces around =, empty values, inline comments)", () => {
    const expected = {
      OPTION_A: "1",
      OPTION_B: "2",
      OPTION_C: "3",
      OPTION_D: "4",
      OPTION_E: "5",
      "456": "ABC",
      OPTION_F: "",
      OPTION_G: "",
      OPTION_H: "my string",
    };
    expect(fixture("plain.env")).toEqual(expected);
    expect(fixture("utf8-bom.env")).toEqual(expected);
  });

  itCorpus("parses quoted values, including multi-line and escaped quotes", () => {
    expect(fixture("quoted.env")).toEqual({
      OPTION_A: "1",
      OPTION_B: "2",
      OPTION_C: "",
      OPTION_D: "\\n",
      OPTION_E: "1",
      OPTION_F: "2",
      OPTION_G: "",
      OPTION_H: "\n",
      OPTION_I: "echo 'asd'",
      OPTION_J: "first line\nsecond line\nthird line\nand so on",
      OPTION_K: "Let's go!",
      OPTION_Z: "last value",
    });
    expect(fixture("unquoted.env")["OPTION_D"]).toBe("then another one with an unquoted phrase special è char");
  });

  itCorpus("handles export, yaml-style colons, dots and dashes in names (fixtures)", () => {
    expect(fixture("exported.env")).toEqual({ OPTION_A: "2", OPTION_B: "\\n" });
    expect(fixture("equals.env")).toEqual({ OPTION_A: "postgres://localhost:5432/database?sslmode=disable" });
    expect(fixture("custom.format")).toEqual({ FOO: "BAR", ZOT: "QIX" });
    expect(fixture("special.env")).toEqual({ "VAR.WITH.DOTS": "dots", VAR_WITH_UNDERSCORES: "underscores", "VAR-WITH-DASHES": "dashes" });
  });

  it("handles export and yaml-style colons", () => {
    expect(one("export exportFoo=2", "exportFoo")).toBe("2");
    expect(one("exportFOO=2", "exportFOO")).toBe("2");
    expect(one("\texport OPTION_A=2", "OPTION_A")).toBe("2");
    expect(one("OPTION_A: Foo=bar", "OPTION_A")).toBe("Foo=bar");
  });

  itCorpus("interpolates earlier variables and the lookup (fixtures)", () => {
    expect(fixture("substitutions.env")).toEqual({ OPTION_A: "1", OPTION_B: "1", OPTION_C: "1", OPTION_D: "1_1", OPTION_E: "" });
    expect(fixture("substitutions-default.env")["OPTION_D"]).toBe("1_1");
    expect(fixture("substitutions-default.env", (n) => (n === "OPTION_A" ? "9" : undefined))["OPTION_D"]).toBe("9_9");
  });

  it("does not interpolate in single quotes or after a backslash", () => {
    expect(parseDotenv("BAR='quote $FOO'", ".env")).toEqual({ BAR: "quote $FOO" });
    expect(parseDotenv('FOO=test\nBAR="foo\\${FOO} ${FOO}"', ".env")).toEqual({ FOO: "test", BAR: "foo${FOO} test" });
  });

  itCorpus("inherits bare names from the lookup only when set", () => {
    const lookup = (n: string) => (n === "VAR_TO_BE_LOADED_FROM_OS_ENV" ? "os" : undefined);
    expect(fixture("inherited-multi-var.env", lookup)).toEqual({ foo: "bar", VAR_TO_BE_LOADED_FROM_OS_ENV: "os", bar: "baz" });
    expect(fixture("inherited-not-found.env", lookup)).toEqual({});
  });

  it("handles escapes in double quotes like compose", () => {
    expect(one('KEY="Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z"', "KEY")).toBe("Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ");
    expect(one('KEY="\\x07"', "KEY")).toBe("\\x07");
    expect(one('FOO="escaped\\"bar"', "FOO")).toBe('escaped"bar');
    expect(one("FOO=a\\tb", "FOO")).toBe("a\\tb");
  });

  it("treats ' #' as an inline comment only outside quotes", () => {
    expect(one("FOO=bar # this is foo", "FOO")).toBe("bar");
    expect(one("FOO=123#not-an-inline-comment", "FOO")).toBe("123#not-an-inline-comment");
    expect(one('FOO="bar#baz" # comment', "FOO")).toBe("bar#baz");
  });

  it("rejects malformed files with file and line", () => {
    const err = (text: string): ComposeLoadError => {
      try {
        parseDotenv(text, "/p/.env");
      } catch (e) {
        expect(e).toBeInstanceOf(ComposeLoadError);
        return e as ComposeLoadError;
      }
      throw new Error("expected failure");
    };
    expect(err("A=1\n%!(EXTRA string)=foo").message).toBe(
      '/p/.env:2:1: line 2: unexpected character "%" in variable name "%!(EXTRA string)=foo"',
    );
    expect(err("A=1\nB=2\nKEY='value\\'").message).toMatch(/^\/p\/\.env:3:1: line 3: unterminated quoted value/);
    expect(err("lol$wut").line).toBe(1);
    expect(err("# c\nfoo=\"\n  a\n\"\nINVALID LINE\nzot=qix").message).toContain("line 5: key cannot contain a space");
    expect(err("A=${").message).toContain("invalid interpolation format");
  });
});
