/** Repeated keys in request bodies, found as Go's strict decoders report them. */
import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { decodeBody, decodedDuplicates } from "./body.js";
import { jsonHasDuplicateKeys, jsonKeyEvents, yamlDuplicateKeys } from "./duplicates.js";

describe("JSON", () => {
  it("finds repeats cheaply and only when there are some", () => {
    const clean = '{"a":"x:y","b":{"c":[{"d":1},{"d":2}]},"e":"\\":"}';
    expect(jsonHasDuplicateKeys(clean, JSON.parse(clean))).toBe(false);
    const dup = '{"spec":{"a":1,"a":2}}';
    expect(jsonHasDuplicateKeys(dup, JSON.parse(dup))).toBe(true);
  });

  it("lists every key with its path in document order", () => {
    const text = ' { "metadata" : {"name":"a","name":"b"}, "spec": {"l": [ {"k": 1, "k": true}, 2, "s", [ {"x": null} ] ], "e\\"q": {}}, "spec": 1 }';
    expect(jsonKeyEvents(text)).toEqual([
      { path: "metadata", duplicate: false },
      { path: "metadata.name", duplicate: false },
      { path: "metadata.name", duplicate: true },
      { path: "spec", duplicate: false },
      { path: "spec.l", duplicate: false },
      { path: "spec.l[0].k", duplicate: false },
      { path: "spec.l[0].k", duplicate: true },
      { path: "spec.l[3][0].x", duplicate: false },
      { path: 'spec.e"q', duplicate: false },
      { path: "spec", duplicate: true },
    ]);
  });

  it("remembers decoded bodies: duplicate field messages, deduplicated", () => {
    const obj = decodeBody(Buffer.from('{"spec":{"a":1,"a":2,"a":3,"l":[{"b":1,"b":2}]}}'), "json", "X");
    expect(obj).toEqual({ spec: { a: 3, l: [{ b: 2 }] } });
    expect(decodedDuplicates(obj)?.duplicates).toEqual(['duplicate field "spec.a"', 'duplicate field "spec.l[0].b"']);
    expect(decodedDuplicates(decodeBody(Buffer.from('{"a":1}'), "json", "X"))).toEqual({ format: "json", duplicates: [] });
    expect(decodedDuplicates({ a: 1 })).toBeUndefined();
  });
});

describe("YAML", () => {
  it("reports go-yaml's lines (the repeated key's value line), nested repeats first, last value kept", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  x: '1'\n  x: '2'\n1: a\n1: b\nmetadata:\n  k:\n    z: 1\n    z: 2\n";
    const lines = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
    expect(yamlDuplicateKeys(doc, lines)).toEqual([
      'line 5: key "name" already set in map',
      'line 8: key "x" already set in map',
      "line 10: key 1 already set in map",
      'line 14: key "z" already set in map',
      'line 12: key "metadata" already set in map',
    ]);
    const obj = decodeBody(Buffer.from(text), "yaml", "ConfigMap");
    expect((obj as { data: unknown }).data).toEqual({ x: "2" });
    expect(decodedDuplicates(obj)?.format).toBe("yaml");
  });
});
