/** The string formats kube-apiserver validates in custom resources (apiextensions' supported list, kube-openapi's checkers). */
import { describe, expect, it } from "vitest";
import { formatOK, isDate, isDateTime, isDuration, isEmail, isRequestURI } from "./formats.js";

const ok = (format: string, good: string[], bad: string[]): void => {
  for (const v of good) expect(formatOK(format, v), `${format} ${JSON.stringify(v)}`).toBe(true);
  for (const v of bad) expect(formatOK(format, v), `${format} ${JSON.stringify(v)}`).toBe(false);
};

describe("formatOK", () => {
  it("date parses strictly (no roll-over into the next month)", () => {
    ok("date", ["2024-02-29", "2023-12-31", "0001-01-01"], ["2024-02-30", "2023-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024-01-01T00:00:00Z", ""]);
    expect(isDate("1900-02-29")).toBe(false);
    expect(isDate("2000-02-29")).toBe(true);
  });

  it("date-time and datetime (strfmt.IsDateTime)", () => {
    ok("date-time", ["2024-01-02T03:04:05Z", "2024-01-02t03:04:05.123+01:00", "2024-01-02T23:59:59-05:30"], ["2024-02-30T00:00:00Z", "2024-01-02 03:04:05Z", "2024-01-02T24:00:00Z", "2024-01-02T03:04:05", "yesterday"]);
    expect(isDateTime("2024-01-02T03:04:05z")).toBe(true);
    expect(formatOK("datetime", "2024-01-02T03:60:00Z")).toBe(false);
  });

  it("duration: Go's syntax or the Scala-like form", () => {
    ok("duration", ["1h30m", "0", "-1.5s", "300ms", "2µs", "3 days", "1 hour 5 min", "4w"], ["", "1", "1x", "h", "1 foo", "9223372036854775808ns"]);
    expect(isDuration("10 parsecs")).toBe(false);
  });

  it("the govalidator formats: isbn, creditcard, ssn, hexcolor, rgbcolor, byte", () => {
    ok("isbn10", ["0321751043", "0-321-75104-3", "080442957X"], ["0321751044", "032175104"]);
    ok("isbn13", ["978-0321751041", "9780321751041"], ["978-0321751042"]);
    ok("isbn", ["0321751043", "978-0321751041"], ["1234"]);
    ok("creditcard", ["4111111111111111", "4111-1111-1111-1111", "5500 0000 0000 0004", "378282246310005"], ["4111111111111112", "1234567812345678"]);
    ok("ssn", ["123-45-6789", "123 45 6789"], ["123456789", "12-345-6789"]);
    ok("hexcolor", ["#fff", "FFFFFF", "#a1B2c3"], ["#ffff", "ggg"]);
    ok("rgbcolor", ["rgb(255,0,10)", "rgb( 1 , 2 , 3 )"], ["rgb(256,0,0)", "rgba(1,2,3,4)", "rgb(01,2,3)"]);
    ok("byte", ["aGVsbG8=", "aGVsbA==", "YWJj"], ["", "a", "aGVsbG8", "a===", "aGVs bG8="]);
  });

  it("bsonobjectid, uuids, mac, hostname", () => {
    ok("bsonobjectid", ["507f1f77bcf86cd799439011", "507F1F77BCF86CD799439011"], ["507f1f77bcf86cd79943901", "507f1f77bcf86cd79943901g"]);
    ok("uuid", ["123e4567-e89b-12d3-a456-426614174000", "123E4567E89B12D3A456426614174000"], ["nope", "123e4567-e89b-12d3-a456-42661417400"]);
    ok("uuid3", ["a3bb189e-8bf9-3888-9912-ace4e6543002"], ["a3bb189e-8bf9-4888-9912-ace4e6543002"]);
    ok("uuid4", ["f47ac10b-58cc-4372-a567-0e02b2c3d479"], ["f47ac10b-58cc-4372-c567-0e02b2c3d479"]);
    ok("uuid5", ["886313e1-3b8a-5372-9b90-0c9aee199e5d"], ["886313e1-3b8a-4372-9b90-0c9aee199e5d"]);
    ok("mac", ["00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e", "00:00:00:00:fe:80:00:00"], ["00:1a:2b:3c:4d", "00:1a-2b:3c:4d:5e", "001a2b3c4d5e"]);
    // kube-openapi's pattern: a single label may hold one leading-position dash only ("my-host" fails upstream too)
    ok("hostname", ["example.com", "a", "m-y", "my-host.example", "xn--bcher-kva.example", "bücher.example"], ["my-host", "-bad.com", "bad-.com", "a..b", "under_score.com", "example.c0m", `${"a".repeat(64)}.com`]);
  });

  it("ip addresses and networks (Go's net parsers; ipv4 and cidr tolerate leading zeros)", () => {
    ok("ipv4", ["10.0.0.1", "010.000.000.001", "::ffff:10.0.0.1"], ["256.0.0.1", "1.2.3", "1.2.3.4.5", "::1"]);
    ok("ipv6", ["::1", "2001:db8::1", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8"], ["1.2.3.4", "2001:db8::1::2", "12345::1", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "::ffff:01.2.3.4"]);
    ok("cidr", ["10.0.0.0/8", "10.0.0.0/032", "2001:db8::/32"], ["10.0.0.0/33", "10.0.0.0", "2001:db8::/129", "10.0.0.0/x"]);
  });

  it("email (net/mail.ParseAddress)", () => {
    ok("email", ["a@b", "john.doe@example.com", "John Doe <john@example.com>", '"quoted local"@example.com', "a@[10.0.0.1]", " a@b.c ", "a@b (comment)"], ["", "plain", "a@", "@b", "a..b@c", "a@b..c", "a@[nope]", "a@b c@d", "<a@b"]);
    expect(isEmail("group: a@b.com;")).toBe(true);
    expect(isEmail("group: a@b.com, c@d.com;")).toBe(false);
  });

  it("uri (url.ParseRequestURI: absolute URIs and absolute paths)", () => {
    ok("uri", ["https://example.com/a?b=c", "/just/a/path", "mailto:a@b", "http://[::1]:8080/", "urn:isbn:0451450523", "*"], ["", "relative/path", "http://a b.com/", "http://host:port/", "http://%zz/", "1http://x", ":foo"]);
    expect(isRequestURI("http://example.com/%E2%82%AC")).toBe(true);
    expect(isRequestURI("http://example.com/%zz")).toBe(false);
  });

  it("formats outside the supported list, and number formats, are not validated", () => {
    for (const f of ["int32", "int64", "float", "double", "quantity", "k8s-short-name", "whatever"]) expect(formatOK(f, "anything at all")).toBe(true);
    expect(formatOK("password", "")).toBe(true);
    // names are normalised by dropping dashes, as go-openapi's registry does
    expect(formatOK("uuid-4", "nope")).toBe(false);
  });
});
