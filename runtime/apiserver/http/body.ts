/**
 * Reading and decoding request bodies: a size limit (413 above 3 MiB) and JSON / YAML parsing with 400s. As Go's
 * decoders, a repeated key keeps its last value; what fieldValidation needs to report it later is remembered per
 * decoded object (`decodedDuplicates`), and only looked at when fieldValidation asks.
 */
import type { IncomingMessage } from "node:http";
import { LineCounter, parseDocument, type Document } from "yaml";
import { jsonHasDuplicateKeys, jsonKeyEvents, maxStrictErrors, yamlDuplicateKeys, type KeyEvent } from "./duplicates.js";
import { newBadRequest, newRequestEntityTooLarge, newUnsupportedMediaType } from "../../core/errors.js";
import { decodeKubernetesProtobuf, ProtobufDecodeError, protobufContentType } from "../protobuf/decode.js";

export const maxRequestBodyBytes = 3 * 1024 * 1024;

/** Reads the whole body; rejects with 413 RequestEntityTooLarge once it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit = maxRequestBodyBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "NaN");
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(newRequestEntityTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(newRequestEntityTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!failed) reject(err);
    });
  });
}

/** A short excerpt of the body for error messages, like upstream's summarizeData. */
export function summarize(body: Buffer, max = 30): string {
  const hex = body.subarray(0, max).toString("hex");
  return body.length > max ? `${hex}...` : hex;
}

type BodySource = { format: "json"; text: string } | { format: "yaml"; doc: Document; lines: LineCounter };

/** The text (JSON) or syntax tree (YAML) each decoded object came from. */
const sources = new WeakMap<object, BodySource>();

/** Repeated keys of a decoded body, as strict decoding reports them. */
export interface DecodedDuplicates {
  format: "json" | "yaml";
  /** JSON: `duplicate field "spec.a"` messages; YAML: `line 3: key "a" already set in map` lines. */
  duplicates: string[];
  /** JSON with repeats: every key in document order (to place the repeats among unknown fields). */
  keys?: KeyEvent[];
}

/**
 * The repeated keys of the body `obj` was decoded from; undefined when `obj` is not a decoded body (a patch
 * result, an in-process object). Computed on demand: a cheap check first, the full scan only when keys repeat.
 */
export function decodedDuplicates(obj: unknown): DecodedDuplicates | undefined {
  const src = typeof obj === "object" && obj !== null ? sources.get(obj) : undefined;
  if (!src) return undefined;
  if (src.format === "yaml") return { format: "yaml", duplicates: yamlDuplicateKeys(src.doc, src.lines) };
  if (!jsonHasDuplicateKeys(src.text, obj)) return { format: "json", duplicates: [] };
  const keys = jsonKeyEvents(src.text);
  const msgs = new Set<string>();
  for (const e of keys) if (e.duplicate && msgs.size < maxStrictErrors) msgs.add(`duplicate field "${e.path}"`);
  return { format: "json", duplicates: [...msgs], keys };
}

/** Parses JSON, YAML or protobuf; a parse failure is a 400 with the parser's message. */
export function decodeBody(body: Buffer, format: "json" | "yaml" | "protobuf", expectedKind: string): unknown {
  if (format === "protobuf") return decodeProtobufBody(body, expectedKind);
  const text = body.toString("utf8");
  if (format === "json") {
    let out: unknown;
    try {
      out = JSON.parse(text) as unknown;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw newBadRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: ${msg} (${summarize(body)})`);
    }
    if (typeof out === "object" && out !== null) sources.set(out, { format: "json", text });
    return out;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw newBadRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; yaml: ${e?.message ?? "invalid YAML"} (${summarize(body)})`);
  }
  const out = doc.toJS() as unknown;
  if (typeof out === "object" && out !== null) sources.set(out, { format: "yaml", doc, lines });
  return out;
}

/** Parses a JSON or YAML patch document without kind checks. */
export function decodePatchBody(body: Buffer, yamlAllowed: boolean): unknown {
  const text = body.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (yamlAllowed) {
      const doc = parseDocument(text, { uniqueKeys: true });
      if (doc.errors.length === 0) return doc.toJS() as unknown;
    }
    throw newBadRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A `application/vnd.kubernetes.protobuf` body of a built-in kind (kubectl ≥ 1.32's typed clients send these);
 * a kind whose protobuf encoding this server does not know is a 415 telling the client to send JSON or YAML.
 */
function decodeProtobufBody(body: Buffer, expectedKind: string): unknown {
  try {
    return decodeKubernetesProtobuf(body).object;
  } catch (err) {
    if (!(err instanceof ProtobufDecodeError)) throw err;
    if (err.problem === "UnknownKind") throw newUnsupportedMediaType(protobufContentType, ["application/json", "application/yaml"]);
    throw newBadRequest(`the object provided is unrecognized (must be of type ${expectedKind}): ${err.message} (${summarize(body)})`);
  }
}
