/** Reading and decoding request bodies: a size limit (413 above 3 MiB) and JSON / YAML parsing with 400s. */
import type { IncomingMessage } from "node:http";
import { parseDocument } from "yaml";
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

/** Parses JSON, YAML or protobuf; a parse failure is a 400 with the parser's message. */
export function decodeBody(body: Buffer, format: "json" | "yaml" | "protobuf", expectedKind: string): unknown {
  if (format === "protobuf") return decodeProtobufBody(body, expectedKind);
  const text = body.toString("utf8");
  if (format === "json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw newBadRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: ${msg} (${summarize(body)})`);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw newBadRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; yaml: ${e?.message ?? "invalid YAML"} (${summarize(body)})`);
  }
  return doc.toJS() as unknown;
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
