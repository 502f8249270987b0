/**
 * A set of field paths (structured-merge-diff's fieldpath.Set), kept as a tree keyed by FieldsV1 path elements:
 * `f:<field>` (object field), `k:<json>` (element of a list keyed by its key fields), `v:<json>` (element of a
 * set) and `i:<index>` (element of an atomic-by-position list). A path is a member when the set owns it; a node
 * may both be a member and have children (FieldsV1 writes that as `".": {}`).
 */

export type PathElement = string;
export type Path = readonly PathElement[];

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.child(path[i] as PathElement);
    node.members.add(path[path.length - 1] as PathElement);
  }

  has(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i] as PathElement);
    return !!node && path.length > 0 && node.members.has(path[path.length - 1] as PathElement);
  }

  /** The subtree under `pe` (created when absent). */
  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  /** True when `pe` is a member or has any member below it. */
  touches(pe: PathElement): boolean {
    if (this.members.has(pe)) return true;
    const c = this.children.get(pe);
    return !!c && !c.empty();
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.addAll(other);
    return out;
  }

  private addAll(other: FieldSet): void {
    for (const m of other.members) this.members.add(m);
    for (const [pe, c] of other.children) this.child(pe).addAll(c);
  }

  /** Paths in this set and not in `other` (member by member, as fieldpath.Set.Difference). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      const d = o ? c.difference(o) : c.copy();
      if (!d.empty()) out.children.set(pe, d);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.empty()) out.children.set(pe, i);
    }
    return out;
  }

  /** This set without the subtrees rooted at `prefixes` (fieldpath.Set.RecursiveDifference with prefix sets). */
  withoutPrefixes(prefixes: readonly Path[]): FieldSet {
    const out = this.copy();
    for (const p of prefixes) out.dropSubtree(p);
    return out;
  }

  private dropSubtree(path: Path): void {
    if (path.length === 0) return;
    const [head, ...rest] = path as PathElement[];
    if (head === undefined) return;
    if (rest.length === 0) {
      this.members.delete(head);
      this.children.delete(head);
      return;
    }
    this.children.get(head)?.dropSubtree(rest);
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c.copy());
    return out;
  }

  /** Every member path, in upstream's order (depth first, elements sorted). */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: PathElement[]): void => {
      const keys = [...new Set([...s.members, ...s.children.keys()])].sort(comparePathElements);
      for (const k of keys) {
        if (s.members.has(k)) out.push([...prefix, k]);
        const c = s.children.get(k);
        if (c) walk(c, [...prefix, k]);
      }
    };
    walk(this, []);
    return out;
  }
}

const kindOrder: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Upstream's PathElement order: field names, then keys, then values, then indexes; each compared within its kind. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = kindOrder[a[0] ?? ""] ?? 4;
  const kb = kindOrder[b[0] ?? ""] ?? 4;
  if (ka !== kb) return ka - kb;
  if (a[0] === "i") return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

export const fieldElement = (name: string): PathElement => `f:${name}`;

/** The `k:` element of a list-map entry: its key fields, sorted by name, as compact JSON. */
export function keyElement(item: Record<string, unknown>, keys: readonly string[]): PathElement {
  const obj: Record<string, unknown> = {};
  for (const k of [...keys].sort()) if (item[k] !== undefined) obj[k] = item[k];
  return `k:${JSON.stringify(obj)}`;
}

export const valueElement = (v: unknown): PathElement => `v:${JSON.stringify(v)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;

/** A path as upstream prints it in conflicts: `.spec.containers[name="nginx"].image`, `[=“x”]`, `[0]`. */
export function pathString(path: Path): string {
  let out = "";
  for (const pe of path) {
    const body = pe.slice(2);
    switch (pe[0]) {
      case "f":
        out += `.${body}`;
        break;
      case "k": {
        const obj = JSON.parse(body) as Record<string, unknown>;
        out += `[${Object.keys(obj)
          .sort()
          .map((k) => `${k}=${JSON.stringify(obj[k])}`)
          .join(",")}]`;
        break;
      }
      case "v":
        out += `[=${body}]`;
        break;
      default:
        out += `[${body}]`;
    }
  }
  return out;
}
