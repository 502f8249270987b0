import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PatchError } from "./errors.js";
import type { PatchMeta } from "./meta.js";
import { applyStrategicMergePatch } from "./strategic.js";

/**
 * The field layout upstream's strategicpatch tests use (their MergeItem struct), as PatchMeta: mergingList merges by
 * name, mergingIntList merges as a set, the non-merging lists replace, replacingItem is replaced whole, retainKeysMap
 * and retainKeysMergingList carry the retainKeys strategy.
 */
const mergeItemFields: Record<string, PatchMeta> = {};
const retainKeysItemFields: Record<string, PatchMeta> = {};
const mergeItem: PatchMeta = { fields: mergeItemFields };
Object.assign(mergeItemFields, {
  mergingList: { strategy: "merge", mergeKey: "name", items: mergeItem },
  nonMergingList: { items: mergeItem },
  mergingIntList: { strategy: "merge" },
  mergeItemPtr: { strategy: "merge", mergeKey: "name", fields: mergeItemFields },
  replacingItem: { strategy: "replace" },
  retainKeysMap: { strategy: "retainKeys", fields: retainKeysItemFields },
  retainKeysMergingList: { strategy: "merge,retainKeys", mergeKey: "name", items: mergeItem },
} satisfies Record<string, PatchMeta>);
Object.assign(retainKeysItemFields, {
  mergingIntList: { strategy: "merge" },
  mergingList: { strategy: "merge", mergeKey: "name", items: mergeItem },
  nonMergingList: { items: mergeItem },
} satisfies Record<string, PatchMeta>);

interface Case {
  name: string;
  live: unknown;
  patch: unknown;
  want?: unknown;
  error?: string;
  kind?: string;
}

function cases(yamlText: string): Case[] {
  return parse(yamlText) as Case[];
}

function run(table: Case[], meta: PatchMeta): void {
  for (const c of table) {
    it(c.name, () => {
      if (c.error !== undefined) {
        let err: unknown;
        try {
          applyStrategicMergePatch(c.live, c.patch, meta);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(PatchError);
        expect((err as PatchError).message).toContain(c.error);
        if (c.kind) expect((err as PatchError).kind).toBe(c.kind);
        return;
      }
      const got = applyStrategicMergePatch(c.live, c.patch, meta);
      expect(got).toEqual(c.want);
      // Exact list order matters; toEqual already compares arrays in order. Directives never leak.
      expect(JSON.stringify(got)).not.toMatch(/"\$(patch|retainKeys|setElementOrder|deleteFromPrimitiveList)/);
    });
  }
}

// Cases from k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go: each upstream case gives two applications
// (its two-way patch on the original, its three-way patch on the current object); a selection, reworded.
describe("strategic merge patch: maps (upstream cases)", () => {
  run(
    cases(`
- name: adds a field
  live: {name: 1, other: a}
  patch: {value: 1}
  want: {name: 1, value: 1, other: a}
- name: null deletes a field, next to an addition
  live: {name: 1, other: a}
  patch: {name: null, value: 1}
  want: {value: 1, other: a}
- name: null deletes a field of a nested map
  live: {simpleMap: {key1: 1, key2: 1, other: a}}
  patch: {simpleMap: {key2: null}}
  want: {simpleMap: {key1: 1, other: a}}
- name: null for a field the live object lacks is ignored
  live: {name: 2}
  patch: {name: 1, value: 1, other: null}
  want: {name: 1, value: 1}
- name: null removes the field among other changes
  live: {name: original-name, value: original-value, other: current-other}
  patch: {name: modified-name, value: null}
  want: {name: modified-name, other: current-other}
- name: add a field and delete all others
  live: {name: 1, value: 1, other: a}
  patch: {name: null, value: null}
  want: {other: a}
- name: "$patch: delete on a nested map leaves an empty map"
  live: {simpleMap: {key1: 1, key2: 1}}
  patch: {simpleMap: {$patch: delete}}
  want: {simpleMap: {}}
- name: "$patch: replace on the whole object"
  live: {name: 1, value: 1}
  patch: {$patch: replace}
  want: {}
- name: "$patch: replace with content"
  live: {name: 1, value: 1}
  patch: {other: a, $patch: replace}
  want: {other: a}
- name: a field with the replace strategy is replaced whole
  live:
    name: my-object
    replacingItem: {Some: Generic, Yaml: Inside, The: RawExtension, Field: Period}
  patch:
    replacingItem: {Newly: Modified, Yaml: Inside, The: RawExtension}
  want:
    name: my-object
    replacingItem: {Newly: Modified, Yaml: Inside, The: RawExtension}
- name: an empty patch changes nothing
  live: {name: 1}
  patch: {}
  want: {name: 1}
`),
    mergeItem,
  );
});

describe("strategic merge patch: lists of scalars (upstream cases)", () => {
  run(
    cases(`
- name: a list without merge strategy is replaced
  live: {nonMergingIntList: [1, 4]}
  patch: {nonMergingIntList: [2, 3]}
  want: {nonMergingIntList: [2, 3]}
- name: merging scalars keeps them unique
  live: {mergingIntList: [1, 2]}
  patch: {mergingIntList: [2, 3]}
  want: {mergingIntList: [1, 2, 3]}
- name: patch order wins over live order
  live: {mergingIntList: [1, 2, 3]}
  patch: {mergingIntList: [3, 1, 2]}
  want: {mergingIntList: [3, 1, 2]}
- name: live-only items stay ahead of later patch items
  live: {mergingIntList: [1, 2, 3]}
  patch: {mergingIntList: [3, 1]}
  want: {mergingIntList: [2, 3, 1]}
- name: $deleteFromPrimitiveList with $setElementOrder
  live: {mergingIntList: [1, 2, 3, 4]}
  patch:
    $setElementOrder/mergingIntList: [1, 2]
    $deleteFromPrimitiveList/mergingIntList: [3]
  want: {mergingIntList: [1, 2, 4]}
- name: $deleteFromPrimitiveList removes every copy
  live: {mergingIntList: [1, 2, 3, 3, 4]}
  patch:
    $setElementOrder/mergingIntList: [1, 2]
    $deleteFromPrimitiveList/mergingIntList: [3]
  want: {mergingIntList: [1, 2, 4]}
- name: add and delete items (two-way)
  live: {mergingIntList: [1, 2, 3]}
  patch:
    $setElementOrder/mergingIntList: [1, 2, 4]
    $deleteFromPrimitiveList/mergingIntList: [3]
    mergingIntList: [4]
  want: {mergingIntList: [1, 2, 4]}
- name: add an item in front via $setElementOrder
  live: {mergingIntList: [1, 2]}
  patch:
    $setElementOrder/mergingIntList: [3, 1, 2]
    mergingIntList: [3]
  want: {mergingIntList: [3, 1, 2]}
- name: add several items in between
  live: {mergingIntList: [1, 2]}
  patch:
    $setElementOrder/mergingIntList: [1, 4, 2, 3]
    mergingIntList: [4, 3]
  want: {mergingIntList: [1, 4, 2, 3]}
- name: add and delete, reordered
  live: {mergingIntList: [1, 2, 3]}
  patch:
    $setElementOrder/mergingIntList: [4, 2, 1]
    mergingIntList: [4]
    $deleteFromPrimitiveList/mergingIntList: [3]
  want: {mergingIntList: [4, 2, 1]}
- name: reorder with a server-only item
  live: {mergingIntList: [1, 2, 9, 3, 4]}
  patch:
    $setElementOrder/mergingIntList: [2, 1, 4, 3]
  want: {mergingIntList: [2, 1, 9, 4, 3]}
- name: reorder with several server-only items
  live: {mergingIntList: [1, 2, 7, 9, 8, 3, 4]}
  patch:
    $setElementOrder/mergingIntList: [2, 1, 4, 3]
  want: {mergingIntList: [2, 1, 7, 9, 8, 4, 3]}
- name: $setElementOrder naming an item the list lacks
  live: {mergingIntList: [1, 3]}
  patch:
    $setElementOrder/mergingIntList: [3, 2, 1]
  want: {mergingIntList: [3, 1]}
- name: $setElementOrder on a list with duplicates
  live: {mergingIntList: [1, 2, 3, 2, 4]}
  patch:
    $setElementOrder/mergingIntList: [2, 1, 4, 3, 2]
  want: {mergingIntList: [2, 2, 1, 4, 3]}
- name: $deleteFromPrimitiveList without $setElementOrder keeps the order
  live: {mergingIntList: [5, 1, 3, 2]}
  patch:
    $deleteFromPrimitiveList/mergingIntList: [1, 7]
  want: {mergingIntList: [5, 3, 2]}
`),
    mergeItem,
  );
});

describe("strategic merge patch: lists of maps (upstream cases)", () => {
  run(
    cases(`
- name: merge by key, new items placed by $setElementOrder
  live:
    mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]
  patch:
    $setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}]
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]
  want:
    mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]
- name: merge changes into an element and append another
  live:
    mergingList: [{name: 1, other: a}, {name: 2, value: 3, other: b}]
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}]
    mergingList: [{name: 2, value: 2}, {name: 3, value: 3}]
  want:
    mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]
- name: live-only element after the ordered ones
  live:
    mergingList: [{name: 1, other: a}, {name: 3, value: 2, other: b}]
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}]
    mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]
  want:
    mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2}, {name: 3, value: 2, other: b}]
- name: "$patch: delete removes the element"
  live:
    mergingList: [{name: 1}, {name: 2, other: b}]
  patch:
    $setElementOrder/mergingList: [{name: 2}]
    mergingList: [{name: 1, $patch: delete}]
  want:
    mergingList: [{name: 2, other: b}]
- name: deleting a missing element is a no-op
  live:
    mergingList: [{name: 3, other: a}]
  patch:
    $setElementOrder/mergingList: [{name: 2}]
    mergingList: [{name: 2}, {name: 1, $patch: delete}]
  want:
    mergingList: [{name: 2}, {name: 3, other: a}]
- name: add and delete (live-only element keeps its live neighbour)
  live:
    mergingList: [{name: 1}, {name: 2, other: b}, {name: 4, other: c}]
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 3}]
    mergingList: [{name: 3}, {name: 1, $patch: delete}]
  want:
    mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]
- name: add and delete (two-way)
  live:
    mergingList: [{name: 1}, {name: 2}]
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 3}]
    mergingList: [{name: 3}, {name: 1, $patch: delete}]
  want:
    mergingList: [{name: 2}, {name: 3}]
- name: add and delete with a live-only element
  live:
    mergingList: [{name: 1, other: a}, {name: 4, other: c}]
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 3}]
    mergingList: [{name: 2}, {name: 3}, {name: 1, $patch: delete}]
  want:
    mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]
- name: null deletes a field of an element
  live:
    mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}]
    mergingList: [{name: 1, value: null}]
  want:
    mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]
- name: a non-merging list inside an element is replaced
  live:
    mergingList:
      - {name: 1, other: a, nonMergingList: [{name: 1}, {name: 2, value: 2}]}
      - {name: 2, other: b}
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}]
    mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]
  want:
    mergingList:
      - {name: 1, other: a, nonMergingList: [{name: 1, value: 1}]}
      - {name: 2, other: b}
- name: nested merging list with its own $setElementOrder
  live:
    mergingList:
      - {name: 1, other: a, mergingList: [{name: 1}, {name: 2, value: 2}]}
      - {name: 2, other: b}
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}]
    mergingList:
      - $setElementOrder/mergingList: [{name: 1}, {name: 2}]
        name: 1
        mergingList: [{name: 1, value: 1}]
  want:
    mergingList:
      - {name: 1, other: a, mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}
      - {name: 2, other: b}
- name: reorder keeps server-only elements in their live place
  live:
    mergingList: [{name: 1, other: a}, {name: 2, value: 2}, {name: 7}, {name: 9}, {name: 8}, {name: 3, value: 3}, {name: 4, value: 4}]
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]
  want:
    mergingList: [{name: 2, value: 2}, {name: 1, other: a}, {name: 7}, {name: 9}, {name: 8}, {name: 4, value: 4}, {name: 3, value: 3}]
- name: reorder a list with duplicate keys
  live:
    mergingList: [{name: 1}, {name: 2, value: dup1}, {name: 3}, {name: 2, value: dup2}, {name: 4}]
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}, {name: 2}]
  want:
    mergingList: [{name: 2, value: dup1}, {name: 2, value: dup2}, {name: 1}, {name: 4}, {name: 3}]
- name: "$patch: delete removes every element with the key"
  live:
    mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]
  patch:
    mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]
  want:
    mergingList: [{name: 2, value: a}]
- name: "$patch: replace empties the list"
  live:
    mergingList: [{name: 1}, {name: 2}]
  patch:
    mergingList: [{$patch: replace}]
  want:
    mergingList: []
- name: "$patch: replace keeps the other patch elements"
  live:
    mergingList: [{name: 1}, {name: 2}]
  patch:
    mergingList: [{name: 3, value: c}, {$patch: replace}]
  want:
    mergingList: [{name: 3, value: c}]
- name: patch order without $setElementOrder
  live:
    mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]
  patch:
    mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]
  want:
    mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]
- name: patch order without $setElementOrder, partial
  live:
    mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]
  patch:
    mergingList: [{name: 3, value: c}, {name: 1, value: a}]
  want:
    mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]
- name: merging empty lists
  live: {mergingList: []}
  patch: {mergingList: []}
  want: {mergingList: []}
- name: deleting from an empty list
  live: {mergingList: []}
  patch: {mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}
  want: {mergingList: []}
`),
    mergeItem,
  );
});

describe("strategic merge patch: $retainKeys (upstream cases)", () => {
  run(
    cases(`
- name: clears the other member of a union
  live: {retainKeysMap: {name: type1, value: foo}}
  patch: {retainKeysMap: {$retainKeys: [name, other], name: type2, other: bar}}
  want: {retainKeysMap: {name: type2, other: bar}}
- name: adds a field and clears an unlisted one
  live: {retainKeysMap: {name: foo, other: a}}
  patch: {retainKeysMap: {$retainKeys: [name, value], value: bar}}
  want: {retainKeysMap: {name: foo, value: bar}}
- name: null plus clearing
  live: {retainKeysMap: {name: foo, value: bar, other: a}}
  patch: {retainKeysMap: {$retainKeys: [name], value: null}}
  want: {retainKeysMap: {name: foo}}
- name: merging without the directive keeps everything
  live: {retainKeysMap: {name: foo, value: a}}
  patch: {retainKeysMap: {value: b}}
  want: {retainKeysMap: {name: foo, value: b}}
- name: nested merging int list, added, deleted and ordered
  live: {retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}}
  patch:
    retainKeysMap:
      $retainKeys: [mergingIntList, name]
      mergingIntList: [5]
      $deleteFromPrimitiveList/mergingIntList: [2]
      $setElementOrder/mergingIntList: [1, 3, 5]
  want: {retainKeysMap: {name: foo, mergingIntList: [1, 3, 5, 4]}}
- name: nested merging list, element deleted
  live: {retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}, {name: x}]}}
  patch:
    retainKeysMap:
      $retainKeys: [mergingList, name]
      $setElementOrder/mergingList: [{name: a}]
      mergingList: [{name: b, $patch: delete}]
  want: {retainKeysMap: {name: foo, mergingList: [{name: a}, {name: x}]}}
- name: nested non-merging list deleted by null and unlisted
  live: {retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}, {name: c}]}}
  patch: {retainKeysMap: {$retainKeys: [name, value], value: bar, nonMergingList: null}}
  want: {retainKeysMap: {name: foo, value: bar}}
- name: element of a retainKeys merging list
  live:
    retainKeysMergingList: [{name: bar}, {name: foo, value: new, other: x}]
  patch:
    $setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}]
    retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: modified}]
  want:
    retainKeysMergingList: [{name: bar}, {name: foo, value: modified}]
- name: a patch field missing from $retainKeys is rejected
  live: {retainKeysMap: {name: foo}}
  patch: {retainKeysMap: {$retainKeys: [name], value: bar}}
  error: invalid patch format of retainKeys
  kind: BadRequest
- name: $retainKeys must be a list
  live: {retainKeysMap: {name: foo}}
  patch: {retainKeysMap: {$retainKeys: name}}
  error: invalid patch format of retainKeys
  kind: BadRequest
`),
    mergeItem,
  );
});

describe("strategic merge patch: directives on fields the live object lacks", () => {
  run(
    cases(`
- name: nulls inside a new value are dropped
  live: {}
  patch: {simpleMap: {a: x, b: null}}
  want: {simpleMap: {a: x}}
- name: a new map carrying $patch is dropped (upstream removeDirectives)
  live: {name: 1}
  patch: {simpleMap: {$patch: replace, key: v}}
  want: {name: 1}
- name: delete markers inside a new list disappear
  live: {}
  patch: {mergingList: [{name: 1}, {name: 2, $patch: delete}]}
  want: {mergingList: [{name: 1}]}
- name: $retainKeys in a new map does not leak
  live: {}
  patch: {retainKeysMap: {$retainKeys: [name], name: foo}}
  want: {retainKeysMap: {name: foo}}
- name: $setElementOrder for a list the object lacks, with the list
  live: {}
  patch:
    $setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}]
    mergingList: [{name: 2}, {name: 1, value: a}, {name: 9, $patch: delete}]
  want: {mergingList: [{name: 2}, {name: 1, value: a}]}
- name: $setElementOrder for a list neither side has
  live: {name: 1}
  patch: {$setElementOrder/mergingList: [{name: 1}]}
  want: {name: 1}
- name: $deleteFromPrimitiveList for a missing list
  live: {name: 1}
  patch: {$deleteFromPrimitiveList/mergingIntList: [1]}
  want: {name: 1}
- name: a new element appended to a merging list is cleaned too
  live: {mergingList: [{name: 1}]}
  patch: {mergingList: [{name: 2, $retainKeys: [name, value], value: v, other: null}]}
  want: {mergingList: [{name: 2, value: v}, {name: 1}]}
`),
    mergeItem,
  );
});

describe("strategic merge patch: errors", () => {
  run(
    cases(`
- name: patch list order contradicting $setElementOrder
  live: {mergingList: [{name: 1}, {name: 3}, {name: 2}]}
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}]
    mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]
  error: "the order in patch list:\\n[map[name:3 value:3] map[name:1 value:1]]\\n doesn't match $setElementOrder list:\\n[map[name:1] map[name:2] map[name:3]]"
  kind: InternalError
- name: scalar patch list order contradicting $setElementOrder
  live: {mergingIntList: [1, 3, 2]}
  patch:
    $setElementOrder/mergingIntList: [1, 2, 3]
    mergingIntList: [3, 1]
  error: doesn't match
  kind: InternalError
- name: element without the merge key
  live: {mergingList: [{name: 1, value: a}]}
  patch: {mergingList: [{value: b}]}
  error: "map: map[value:b] does not contain declared merge key: name"
  kind: InternalError
- name: delete marker without the merge key
  live: {mergingList: [{name: 1}]}
  patch: {mergingList: [{$patch: delete, value: x}]}
  error: "map: map[$patch:delete value:x] does not contain declared merge key: name"
  kind: InternalError
- name: unknown $patch value on a map
  live: {simpleMap: {a: b}}
  patch: {simpleMap: {$patch: foo}}
  error: "unknown patch type: foo in map: map[$patch:foo]"
  kind: InternalError
- name: unknown $patch value in a list
  live: {mergingList: [{name: 1}]}
  patch: {mergingList: [{name: 1, $patch: bogus}]}
  error: "unknown patch type: bogus in map: map[$patch:bogus name:1]"
  kind: InternalError
- name: non-string $patch value
  live: {simpleMap: {a: b}}
  patch: {simpleMap: {$patch: 1}}
  error: "unknown patch type: %!s(int64=1) in map: map[$patch:1]"
  kind: InternalError
- name: "$patch: merge on a map is not a thing upstream"
  live: {simpleMap: {a: b}}
  patch: {simpleMap: {$patch: merge, c: d}}
  error: "unknown patch type: merge in map: map[$patch:merge c:d]"
  kind: InternalError
- name: "$patch: merge in a list"
  live: {mergingList: [{name: 1}]}
  patch: {mergingList: [{name: 1, $patch: merge}]}
  error: merging lists cannot yet be specified in the patch
  kind: InternalError
- name: malformed $deleteFromPrimitiveList key
  live: {mergingIntList: [1]}
  patch: {$deleteFromPrimitiveListmergingIntList: [1]}
  error: invalid patch format of primitive list
  kind: BadRequest
- name: malformed $setElementOrder key
  live: {mergingIntList: [1]}
  patch: {$setElementOrdermergingIntList: [1]}
  error: invalid patch format of setElementOrder list
  kind: BadRequest
- name: $setElementOrder that is not a list
  live: {mergingIntList: [1]}
  patch: {$setElementOrder/mergingIntList: "1"}
  error: "expected a []interface {}, but received a string"
  kind: InternalError
- name: list of lists
  live: {mergingIntList: [[1]]}
  patch: {mergingIntList: [[2]]}
  error: lists of lists are not supported
  kind: Invalid
- name: mixed element types
  live: {mergingIntList: [1, 2]}
  patch: {mergingIntList: [a]}
  error: "list element types are not identical: [[1 2] [a]]"
  kind: InternalError
- name: merging maps without a merge key in the metadata
  live: {simpleList: [{a: 1}]}
  patch: {simpleList: [{a: 2}]}
  error: cannot merge lists without merge key for simpleList
  kind: InternalError
`),
    { ...mergeItem, fields: { ...mergeItem.fields, simpleList: { strategy: "merge" } } },
  );

  it("rejects a patch that is not an object with a decoding error (400)", () => {
    for (const [patch, what] of [
      [[1], "array"],
      ["x", "string"],
      [3, "number"],
      [true, "bool"],
    ] as const) {
      const err = catchError(() => applyStrategicMergePatch({}, patch, {}));
      expect(err.kind).toBe("BadRequest");
      expect(err.message).toBe(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
      expect(err.toStatus()).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: err.message,
        reason: "BadRequest",
        code: 400,
      });
    }
  });

  it("answers 500 with the raw message for merge key errors, like kube-apiserver", () => {
    const err = catchError(() =>
      applyStrategicMergePatch({ spec: { containers: [{ name: "a" }] } }, { spec: { containers: [{ image: "nginx" }] } }, podMeta),
    );
    expect(err.toStatus()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "map: map[image:nginx] does not contain declared merge key: name",
      code: 500,
    });
  });

  it("treats a null patch as no change", () => {
    expect(applyStrategicMergePatch({ a: 1 }, null, {})).toEqual({ a: 1 });
  });
});

function catchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error("expected a PatchError");
}

// ---------------------------------------------------------------------------------------------------------------
// Built-in kinds, with the patch metadata of their Go types.

const containerMeta: PatchMeta = {
  fields: {
    env: { strategy: "merge", mergeKey: "name" },
    ports: { strategy: "merge", mergeKey: "containerPort" },
    volumeMounts: { strategy: "merge", mergeKey: "mountPath" },
    volumeDevices: { strategy: "merge", mergeKey: "devicePath" },
  },
};
const podSpecMeta: PatchMeta = {
  fields: {
    containers: { strategy: "merge", mergeKey: "name", items: containerMeta },
    initContainers: { strategy: "merge", mergeKey: "name", items: containerMeta },
    volumes: { strategy: "merge,retainKeys", mergeKey: "name" },
    imagePullSecrets: { strategy: "merge", mergeKey: "name" },
    hostAliases: { strategy: "merge", mergeKey: "ip" },
  },
};
const objectMetaMeta: PatchMeta = {
  fields: {
    finalizers: { strategy: "merge" },
    ownerReferences: { strategy: "merge", mergeKey: "uid" },
  },
};
const podMeta: PatchMeta = { fields: { metadata: objectMetaMeta, spec: podSpecMeta } };
const deploymentMeta: PatchMeta = {
  fields: {
    metadata: objectMetaMeta,
    spec: {
      fields: {
        strategy: { strategy: "retainKeys" },
        template: { fields: { metadata: objectMetaMeta, spec: podSpecMeta } },
      },
    },
  },
};

describe("strategic merge patch: Deployment and Pod patches as kubectl sends them", () => {
  const liveDeployment = parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web, tier: frontend, old: x}
  annotations: {deployment.kubernetes.io/revision: "3"}
  finalizers: [example.com/a, example.com/b]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        args: [--a, --b]
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        ports:
        - {containerPort: 80, protocol: TCP}
        - {containerPort: 443, protocol: TCP}
        volumeMounts:
        - {name: data, mountPath: /data}
        - {name: cache, mountPath: /cache}
      - name: sidecar
        image: busybox
      tolerations:
      - {key: a, operator: Exists}
      volumes:
      - name: data
        emptyDir: {}
      - name: cache
        configMap: {name: cache-cm}
`) as unknown;

  it("applies a three-way patch from kubectl apply", () => {
    const patch = parse(`
metadata:
  labels: {old: null, release: stable}
  $setElementOrder/finalizers: [example.com/a, example.com/c]
  $deleteFromPrimitiveList/finalizers: [example.com/b]
  finalizers: [example.com/c]
spec:
  strategy:
    $retainKeys: [type]
    type: Recreate
    rollingUpdate: null
  template:
    spec:
      $setElementOrder/containers: [{name: app}, {name: logger}]
      containers:
      - name: app
        image: nginx:1.26
        $setElementOrder/env: [{name: A}, {name: C}, {name: B}]
        env:
        - {name: C, value: "3"}
        $setElementOrder/ports: [{containerPort: 8080}, {containerPort: 443}]
        ports:
        - {containerPort: 8080, protocol: TCP}
        - {containerPort: 80, $patch: delete}
        volumeMounts:
        - {mountPath: /cache, readOnly: true}
      - name: logger
        image: fluent-bit
      - name: sidecar
        $patch: delete
      $setElementOrder/volumes: [{name: data}, {name: cache}]
      volumes:
      - name: cache
        $retainKeys: [name, secret]
        secret: {secretName: cache-secret}
        configMap: null
`);
    const want = parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web, tier: frontend, release: stable}
  annotations: {deployment.kubernetes.io/revision: "3"}
  finalizers: [example.com/a, example.com/c]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: Recreate}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.26
        args: [--a, --b]
        env:
        - {name: A, value: "1"}
        - {name: C, value: "3"}
        - {name: B, value: "2"}
        ports:
        - {containerPort: 8080, protocol: TCP}
        - {containerPort: 443, protocol: TCP}
        volumeMounts:
        - {name: data, mountPath: /data}
        - {name: cache, mountPath: /cache, readOnly: true}
      - name: logger
        image: fluent-bit
      tolerations:
      - {key: a, operator: Exists}
      volumes:
      - name: data
        emptyDir: {}
      - name: cache
        secret: {secretName: cache-secret}
`);
    const got = applyStrategicMergePatch(liveDeployment, patch, deploymentMeta);
    expect(got).toEqual(want);
    expect(JSON.stringify(got)).not.toContain('"$');
  });

  it("switches the deployment strategy with $retainKeys", () => {
    const got = applyStrategicMergePatch(
      liveDeployment,
      { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null } } },
      deploymentMeta,
    ) as { spec: { strategy: unknown } };
    expect(got.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("without $retainKeys a strategy patch only merges", () => {
    const got = applyStrategicMergePatch(liveDeployment, { spec: { strategy: { type: "Recreate" } } }, deploymentMeta) as {
      spec: { strategy: unknown };
    };
    expect(got.spec.strategy).toEqual({ type: "Recreate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } });
  });

  it("kubectl patch: updating one container leaves the others in place", () => {
    const got = applyStrategicMergePatch(
      liveDeployment,
      { spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox:1.36" }] } } } },
      deploymentMeta,
    ) as { spec: { template: { spec: { containers: unknown[] } } } };
    expect(got.spec.template.spec.containers.map((c) => (c as { name: string; image: string }).image)).toEqual([
      "nginx:1.25",
      "busybox:1.36",
    ]);
  });

  it("kubectl patch: a new container without $setElementOrder comes first, as upstream orders it", () => {
    const got = applyStrategicMergePatch(
      { spec: { containers: [{ name: "app", image: "nginx" }] } },
      { spec: { containers: [{ name: "debug", image: "busybox" }] } },
      podMeta,
    );
    expect(got).toEqual({
      spec: {
        containers: [
          { name: "debug", image: "busybox" },
          { name: "app", image: "nginx" },
        ],
      },
    });
  });

  it("kubectl patch: removes a container with $patch: delete", () => {
    const got = applyStrategicMergePatch(
      { spec: { containers: [{ name: "a" }, { name: "b" }, { name: "c" }] } },
      { spec: { containers: [{ name: "b", $patch: "delete" }] } },
      podMeta,
    );
    expect(got).toEqual({ spec: { containers: [{ name: "a" }, { name: "c" }] } });
  });

  it("merges env by name, ports by containerPort and volumeMounts by mountPath", () => {
    const live = {
      spec: {
        containers: [
          {
            name: "app",
            env: [{ name: "A", value: "1" }],
            ports: [{ containerPort: 80, name: "http" }],
            volumeMounts: [{ name: "v", mountPath: "/v" }],
          },
        ],
      },
    };
    const got = applyStrategicMergePatch(
      live,
      {
        spec: {
          containers: [
            {
              name: "app",
              env: [{ name: "A", value: "2" }],
              ports: [{ containerPort: 80, protocol: "TCP" }],
              volumeMounts: [{ mountPath: "/v", readOnly: true }],
            },
          ],
        },
      },
      podMeta,
    );
    expect(got).toEqual({
      spec: {
        containers: [
          {
            name: "app",
            env: [{ name: "A", value: "2" }],
            ports: [{ containerPort: 80, name: "http", protocol: "TCP" }],
            volumeMounts: [{ name: "v", mountPath: "/v", readOnly: true }],
          },
        ],
      },
    });
  });

  it("replaces lists without patch metadata (args, tolerations)", () => {
    const got = applyStrategicMergePatch(
      liveDeployment,
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: "app", args: ["--c"] }],
              tolerations: [{ key: "b", operator: "Exists" }],
            },
          },
        },
      },
      deploymentMeta,
    ) as { spec: { template: { spec: { containers: { args: unknown }[]; tolerations: unknown } } } };
    expect(got.spec.template.spec.containers[0]?.args).toEqual(["--c"]);
    expect(got.spec.template.spec.tolerations).toEqual([{ key: "b", operator: "Exists" }]);
  });

  it("removes a label with null and merges finalizers as a set", () => {
    const got = applyStrategicMergePatch(
      { metadata: { name: "p", labels: { a: "1", b: "2" }, finalizers: ["x", "y"] } },
      { metadata: { labels: { a: null }, finalizers: ["y", "z"] } },
      podMeta,
    );
    expect(got).toEqual({ metadata: { name: "p", labels: { b: "2" }, finalizers: ["x", "y", "z"] } });
  });

  it("removes a finalizer with $deleteFromPrimitiveList", () => {
    const got = applyStrategicMergePatch(
      { metadata: { name: "p", finalizers: ["a", "b", "c"] } },
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["b"] } },
      podMeta,
    );
    expect(got).toEqual({ metadata: { name: "p", finalizers: ["a", "c"] } });
  });

  it("replaces a map with $patch: replace and empties one with $patch: delete", () => {
    const got = applyStrategicMergePatch(
      { spec: { nodeSelector: { a: "1", b: "2" }, securityContext: { runAsUser: 1 } } },
      { spec: { nodeSelector: { $patch: "replace", c: "3" }, securityContext: { $patch: "delete" } } },
      podMeta,
    );
    expect(got).toEqual({ spec: { nodeSelector: { c: "3" }, securityContext: {} } });
  });

  it("does not modify its arguments", () => {
    const live = parse(JSON.stringify(liveDeployment)) as unknown;
    const patch = {
      spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }, { name: "app", env: [{ name: "A", value: null }] }] } } },
    };
    const patchCopy = structuredClone(patch);
    applyStrategicMergePatch(live, patch, deploymentMeta);
    expect(live).toEqual(liveDeployment);
    expect(patch).toEqual(patchCopy);
  });
});
