/**
 * Edits a scaffold makes to files the user may have changed: add an entry to a kustomization's `resources`,
 * insert code at a `+kubebuilder:scaffold:*` marker. Each keeps everything else (comments included) as it is.
 */
import { isSeq, parseDocument, YAMLSeq } from "yaml";

/** A file the scaffold must edit is not as expected; the message names the file and the fix. */
export class ScaffoldEditError extends Error {
  override name = "ScaffoldEditError";
}

/** `text` with `entry` appended to `resources:` (unchanged when present). */
export function addKustomizeResource(text: string, entry: string, file = "kustomization.yaml"): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ScaffoldEditError(`${file}: not valid YAML (${doc.errors[0]?.message.split("\n")[0]}); fix it, then run the command again`);
  let seq = doc.get("resources");
  if (seq === undefined || seq === null) {
    seq = new YAMLSeq();
    doc.set("resources", seq);
  }
  if (!isSeq(seq)) throw new ScaffoldEditError(`${file}: "resources" is not a list`);
  if (seq.items.some((i) => String((i as { value?: unknown }).value ?? i) === entry)) return text;
  seq.flow = false;
  seq.add(doc.createNode(entry));
  return doc.toString({ lineWidth: 0 });
}

/** Inserts `code` on the line before `// +kubebuilder:scaffold:<marker>` (unchanged when `code` is there already). */
export function insertAtMarker(text: string, marker: string, code: string, file: string): string {
  const tag = `// +kubebuilder:scaffold:${marker}`;
  const at = text.indexOf(tag);
  if (at < 0) throw new ScaffoldEditError(`${file}: the line "${tag}" is missing; put it back where new code should go, then run the command again`);
  if (text.includes(code)) return text;
  const lineStart = text.lastIndexOf("\n", at) + 1;
  return `${text.slice(0, lineStart)}${code}\n${text.slice(lineStart)}`;
}
