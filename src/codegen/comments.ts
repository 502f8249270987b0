/**
 * Finding markers in comments. A marker is a comment line whose text starts with `+` and a letter, in a JSDoc
 * block (`/** +kubebuilder:validation:Minimum=1 *\/`) or a `//` line. Markers in the comments directly before an
 * interface, type alias or property belong to it; rbac, webhook and groupName markers may stand anywhere.
 */
import { Node, ts, type SourceFile } from "ts-morph";
import type { ErrorSink, SourcePos } from "./errors.js";
import { parseMarker, type Marker } from "./markers.js";
import type { MarkerTarget } from "./markerdefs.js";

export interface MarkerAt {
  marker: Marker;
  pos: SourcePos;
}

interface RawMarker {
  text: string;
  line: number;
}

/** Marker lines of one comment's text, with 1-based lines (firstLine = the comment's first line). */
export function markerLines(comment: string, firstLine: number): RawMarker[] {
  const out: RawMarker[] = [];
  comment.split("\n").forEach((raw, i) => {
    const t = raw
      .trim()
      .replace(/^\/\/+\s?/, "")
      .replace(/^\/\*+/, "")
      .replace(/\*+\/$/, "")
      .replace(/^\*+(?!\/)/, "")
      .trim();
    if (/^\+[A-Za-z]/.test(t)) out.push({ text: t.slice(1).trim(), line: firstLine + i });
  });
  return out;
}

function isDeclaration(node: Node): boolean {
  return Node.isInterfaceDeclaration(node) || Node.isTypeAliasDeclaration(node) || Node.isPropertySignature(node);
}

function targetOf(node: Node | undefined): MarkerTarget {
  if (node === undefined) return "package";
  return Node.isPropertySignature(node) ? "field" : "type";
}

const placeName: Record<MarkerTarget, string> = { field: "above a property", type: "above an interface or type alias", package: "in any comment of the file (not tied to a declaration)" };

/** Markers of one file, by the declaration they belong to. */
export class FileMarkers {
  readonly package: MarkerAt[] = [];
  private readonly byNode = new Map<Node, MarkerAt[]>();

  constructor(
    readonly file: SourceFile,
    readonly relPath: string,
    errors: ErrorSink,
  ) {
    const owners = new Map<number, Node>();
    file.forEachDescendant((node) => {
      if (!isDeclaration(node)) return;
      for (const r of node.getLeadingCommentRanges()) owners.set(r.getPos(), node);
    });
    const text = file.getFullText();
    const seen = new Map<number, string>();
    const visit = (n: ts.Node): void => {
      for (const r of [...(ts.getLeadingCommentRanges(text, n.pos) ?? []), ...(ts.getTrailingCommentRanges(text, n.end) ?? [])]) seen.set(r.pos, text.slice(r.pos, r.end));
      for (const c of n.getChildren(file.compilerNode)) visit(c);
    };
    visit(file.compilerNode);
    for (const [start, comment] of [...seen].sort((a, b) => a[0] - b[0])) {
      const owner = owners.get(start);
      const firstLine = file.getLineAndColumnAtPos(start).line;
      for (const raw of markerLines(comment, firstLine)) {
        const pos = { file: relPath, line: raw.line };
        const parsed = parseMarker(raw.text);
        if (parsed.ok === "ignore") continue;
        if (parsed.ok === false) {
          errors.add(pos, parsed.error);
          continue;
        }
        const at = { marker: parsed.marker, pos };
        const where = targetOf(owner);
        const targets = parsed.marker.def.targets;
        if (targets.includes("package")) {
          if (where === "package" || !targets.includes(where)) {
            this.package.push(at);
            continue;
          }
        }
        if (!targets.includes(where)) {
          errors.add(pos, `misplaced marker "+${parsed.marker.def.name}": it belongs ${placeName[targets[0] as MarkerTarget]}, found ${placeName[where]} (expected form: ${parsed.marker.def.form})`);
          continue;
        }
        const list = this.byNode.get(owner as Node) ?? [];
        list.push(at);
        this.byNode.set(owner as Node, list);
      }
    }
  }

  /** The markers directly above a declaration (interface, type alias or property). */
  of(node: Node): readonly MarkerAt[] {
    return this.byNode.get(node) ?? [];
  }
}
