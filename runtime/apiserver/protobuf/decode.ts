/**
 * Decoding `application/vnd.kubernetes.protobuf` request bodies (what kubectl's typed clients send, e.g.
 * `kubectl create deployment|configmap|secret|service|role|...`) into the JSON object a JSON client would
 * have sent, so that the rest of the server only ever sees JSON-shaped objects.
 *
 * Wire format (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the 4-byte magic `k8s\0`, then a
 * runtime.Unknown message { typeMeta {apiVersion, kind}, raw, contentEncoding, contentType } whose `raw`
 * is the object's own message as defined by k8s.io/api's generated.proto.
 */
import type { Message, Type } from "protobufjs";
import { ConversionError, messageToJson, type ConvertContext } from "./convert.js";
import { messageTypeFor, schemas } from "./root.js";

export const protobufContentType = "application/vnd.kubernetes.protobuf";

/** What is wrong with a body: "Malformed" → 400 BadRequest; "UnknownKind" → 415 UnsupportedMediaType. */
export type ProtobufDecodeProblem = "Malformed" | "UnknownKind";

export class ProtobufDecodeError extends Error {
  override readonly name = "ProtobufDecodeError";
  constructor(
    message: string,
    readonly problem: ProtobufDecodeProblem,
    /** The kind named by the body, when it could be read. */
    readonly gvk?: { apiVersion: string; kind: string },
  ) {
    super(message);
  }
}

export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  /** The object as JSON would carry it, `apiVersion` and `kind` included. */
  object: Record<string, unknown>;
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const maxNesting = 4;

/**
 * Decodes a Kubernetes protobuf body. Throws ProtobufDecodeError for a body that is not a well-formed
 * Kubernetes protobuf message ("Malformed") or that holds a kind this decoder has no schema for ("UnknownKind").
 */
export function decodeKubernetesProtobuf(body: Buffer): DecodedProtobufObject {
  return decodeAt(body, 0);
}

/** Loads protobufjs and parses the schemas now, instead of on the first protobuf request. */
export function warmUpProtobufDecoder(): void {
  schemas();
}

function decodeAt(body: Buffer, depth: number): DecodedProtobufObject {
  if (body.length === 0) throw new ProtobufDecodeError("empty body: expected a Kubernetes protobuf message", "Malformed");
  if (body.length < magic.length || !body.subarray(0, magic.length).equals(magic)) {
    throw new ProtobufDecodeError(
      `provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ("k8s\\x00"), got ${JSON.stringify(body.subarray(0, 4).toString("latin1"))}`,
      "Malformed",
    );
  }
  if (body.length === magic.length) throw new ProtobufDecodeError("empty body: the protobuf message after the k8s\\x00 prefix is missing", "Malformed");
  if (depth > maxNesting) throw new ProtobufDecodeError("protobuf objects nested too deeply in RawExtension fields", "Malformed");

  const { unknown } = schemas();
  const envelope = decodeMessage(unknown, body.subarray(magic.length), "runtime.Unknown envelope") as unknown as Record<string, unknown>;
  const typeMeta = envelope.typeMeta as Record<string, unknown> | null | undefined;
  const apiVersion = typeof typeMeta?.apiVersion === "string" ? typeMeta.apiVersion : "";
  const kind = typeof typeMeta?.kind === "string" ? typeMeta.kind : "";
  if (!kind) throw new ProtobufDecodeError("Object 'Kind' is missing in the protobuf envelope (runtime.Unknown typeMeta.kind)", "Malformed");
  if (!apiVersion) throw new ProtobufDecodeError(`Object 'apiVersion' is missing in the protobuf envelope of kind "${kind}"`, "Malformed", { apiVersion, kind });
  const gvk = { apiVersion, kind };
  const encoding = typeof envelope.contentEncoding === "string" ? envelope.contentEncoding : "";
  if (encoding) throw new ProtobufDecodeError(`unsupported protobuf contentEncoding ${JSON.stringify(encoding)} for ${kind}`, "Malformed", gvk);

  const type = messageTypeFor(apiVersion, kind);
  if (!type) {
    throw new ProtobufDecodeError(
      `no kind "${kind}" is registered for version "${apiVersion}" in the protobuf decoder; send the object as application/json or application/yaml`,
      "UnknownKind",
      gvk,
    );
  }
  const raw = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array(0);
  const msg = decodeMessage(type, raw, `${kind} (${apiVersion})`, gvk);
  const ctx: ConvertContext = { decodeNested: (nested) => decodeAt(nested, depth + 1).object };
  let fields: Record<string, unknown>;
  try {
    fields = messageToJson(type, msg, ctx);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    if (err instanceof ConversionError) throw new ProtobufDecodeError(`unable to decode ${kind} (${apiVersion}) from protobuf: ${err.message}`, "Malformed", gvk);
    throw err;
  }
  return { apiVersion, kind, object: { apiVersion, kind, ...fields } };
}

function decodeMessage(type: Type, bytes: Uint8Array, what: string, gvk?: { apiVersion: string; kind: string }): Message {
  try {
    return type.decode(bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProtobufDecodeError(`unable to decode ${what} from protobuf: ${reason}`, "Malformed", gvk);
  }
}
