import { describe, expect, it } from "vitest";
import { TemplateError, substitute } from "./template.ts";

const env: Record<string, string> = { FOO: "foo", EMPTY: "", B: "bee" };
const lookup = (n: string) => (Object.hasOwn(env, n) ? env[n] : undefined);
const sub = (t: string) => substitute(t, lookup);

const failure = (t: string): TemplateError => {
  try {
    sub(t);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error(`expected ${t} to fail`);
};

describe("substitute", () => {
  it("replaces plain and braced variables, unset ones with nothing", () => {
    expect(sub("$FOO/${FOO}-$UNSET-${UNSET}x")).toBe("foo/foo--x");
    expect(sub("no vars")).toBe("no vars");
  });

  it("handles defaults, alternatives and their empty/unset distinction", () => {
    expect(sub("${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|${UNSET:-d}|${FOO:-d}")).toBe("d||d|d|foo");
    expect(sub("${EMPTY:+a}|${EMPTY+a}|${UNSET+a}|${FOO:+a}")).toBe("|a||a");
  });

  it("substitutes nested templates in the argument only when used", () => {
    expect(sub("${UNSET:-${B:-x}}")).toBe("bee");
    expect(sub("${UNSET:-${ALSO_UNSET:-x}}")).toBe("x");
    expect(sub("${FOO:-${UNSET:?never evaluated}}")).toBe("foo");
    expect(sub("${UNSET:-{a}}")).toBe("{a}");
  });

  it("keeps $$ as a literal dollar and a lone $ as is", () => {
    expect(sub("$${FOO} $$FOO a$ $1 $-")).toBe("${FOO} $FOO a$ $1 $-");
  });

  it("fails on required variables with the message, interpolated", () => {
    expect(failure("${UNSET:?need it}").message).toBe("required variable UNSET is missing a value: need it");
    expect(failure("${EMPTY:?}").message).toBe("required variable EMPTY is missing a value");
    expect(sub("${EMPTY?x}")).toBe("");
    expect(failure("not ok ${UNSET?Mandatory ${FOO}}").message).toBe("required variable UNSET is missing a value: Mandatory foo");
    expect(failure("${FOO?baz} ${UNSET?baz} }}}").variable).toBe("UNSET");
  });

  it("rejects malformed templates", () => {
    for (const t of ["${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}", "${FOO:-x", "${1A}"]) {
      expect(failure(t).kind).toBe("invalid");
    }
  });

  it("reports unset variables through the hook", () => {
    const unset: string[] = [];
    substitute("$A ${B:-x} ${C}", () => undefined, { onUnset: (n) => unset.push(n) });
    expect(unset).toEqual(["A", "C"]);
  });
});
