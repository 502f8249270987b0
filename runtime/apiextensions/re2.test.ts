/** Go regexp (RE2) syntax in JavaScript: Go's compile errors, word for word, and Go's matching semantics. */
import { describe, expect, it } from "vitest";
import { compileRE2, re2Error } from "./re2.js";

describe("re2Error (Go's regexp.Compile errors)", () => {
  it.each([
    ["(?<=a)b", "invalid named capture: `(?<=a)b`"],
    ["(?<!a)b", "invalid named capture: `(?<!a)b`"],
    ["(?=a)", "invalid or unsupported Perl syntax: `(?=`"],
    ["(?!a)", "invalid or unsupported Perl syntax: `(?!`"],
    ["(?P=n)", "invalid or unsupported Perl syntax: `(?P`"],
    ["(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"],
    ["(?<a-b>x)", "invalid named capture: `(?<a-b>`"],
    ["(?P<>x)", "invalid named capture: `(?P<>`"],
    ["(a)\\1", "invalid escape sequence: `\\1`"],
    ["\\8", "invalid escape sequence: `\\8`"],
    ["\\C", "invalid escape sequence: `\\C`"],
    ["\\xZ1", "invalid escape sequence: `\\xZ1`"],
    ["[\\b]", "invalid escape sequence: `\\b`"],
    ["x\\", "trailing backslash at end of expression: ``"],
    ["a++", "invalid nested repetition operator: `++`"],
    ["a**", "invalid nested repetition operator: `**`"],
    ["a{2}*", "invalid nested repetition operator: `{2}*`"],
    ["*a", "missing argument to repetition operator: `*`"],
    ["a|*", "missing argument to repetition operator: `*`"],
    ["(?i)+", "missing argument to repetition operator: `+`"],
    ["a{1001}", "invalid repeat count: `{1001}`"],
    ["a{2,1}", "invalid repeat count: `{2,1}`"],
    ["(a{10}){200}", "invalid repeat count: `{200}`"],
    ["(a", "missing closing ): `(a`"],
    ["a)", "unexpected ): `a)`"],
    ["[a-z", "missing closing ]: `[a-z`"],
    ["[z-a]", "invalid character class range: `z-a`"],
    ["[[:foo:]]", "invalid character class range: `[:foo:]`"],
    ["\\pX", "invalid character class range: `\\pX`"],
    ["\\p{Latn}", "invalid character class range: `\\p{Latn}`"],
    ["\\p{Greek", "invalid character class range: `\\p{Greek`"],
  ])("%s", (pattern, err) => {
    expect(re2Error(pattern)).toBe(`error parsing regexp: ${err}`);
  });

  it("accepts Go-only syntax JavaScript would reject or read differently", () => {
    for (const p of ["(?i)abc", "(?P<name>a)(?<n2>b)", "\\Qa.b\\E", "[[:alpha:][:^digit:]]", "\\pL\\p{Greek}\\PN", "a{,5}", "\\x{263a}\\101", "(?s:.)", "(?U)a+", "\\A\\z", "(?)", "a{0}", "(?i)\\p{Lu}"]) {
      expect(re2Error(p), p).toBeUndefined();
    }
  });
});

describe("compileRE2 (Go's matching semantics)", () => {
  const m = (p: string, s: string): boolean => compileRE2(p).test(s);
  it("flags", () => {
    expect(m("(?i)^abc$", "AbC")).toBe(true);
    expect(m("^(?i:a)b$", "AB")).toBe(false);
    expect(m("(?i)k", "\u212a")).toBe(true);
    expect(m("(?m)^b$", "a\nb\nc")).toBe(true);
    expect(m("^b$", "a\nb\nc")).toBe(false);
    expect(m("(?s)a.b", "a\nb")).toBe(true);
    expect(m("a.b", "a\nb")).toBe(false);
    expect(m("a.b", "a\rb")).toBe(true); // JavaScript's . would not match \r
  });
  it("escapes and classes", () => {
    expect(m("^\\s$", "\v")).toBe(false); // RE2 \s has no \v
    expect(m("^\\d+$", "١٢")).toBe(false);
    expect(m("^a$", "a\n")).toBe(false); // $ is the end of text only
    expect(m("^\\Qa.b\\E$", "a.b")).toBe(true);
    expect(m("^\\Qa.b\\E$", "axb")).toBe(false);
    expect(m("^[[:upper:]]+$", "AB")).toBe(true);
    expect(m("^a{,5}$", "a{,5}")).toBe(true);
    expect(m("^\\p{Greek}+$", "αβ")).toBe(true);
    expect(m("^[^a]$", "\n")).toBe(true);
    expect(m("^\\101\\x42\\x{43}$", "ABC")).toBe(true);
    expect(m("x\\z", "x")).toBe(true);
  });
});
