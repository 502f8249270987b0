/**
 * `application/vnd.kubernetes.protobuf` request bodies: the `k8s\0` envelope (runtime.Unknown) and the
 * generated.proto encoding of the built-in kinds, decoded into the JSON shape the rest of the server handles.
 *
 * client-go's typed clients (kubectl 1.33's `create configmap|secret|deployment|namespace|service|...`) send
 * protobuf for built-in kinds. Go's protobuf marshalling writes every non-pointer field, zero or not, so zero
 * values of non-pointer fields are dropped here (what Go's JSON encoding with omitempty would produce), while
 * pointer fields (`keep`) keep their zero values (`replicas: 0`). A field number this table does not know is a
 * 400 rather than being dropped silently. Responses stay JSON (clients send `Accept: ...protobuf,application/json`).
 */
import { ProtoDecodeError, readFields, type ProtoField } from "./wire.js";
import { schemas, type FieldDef, type MessageDef, type Scalar } from "./schemas.js";

export const protobufContentType = "application/vnd.kubernetes.protobuf";
const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface DecodedEnvelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
}

/** Unwraps the `k8s\0` + runtime.Unknown envelope. */
export function decodeEnvelope(body: Buffer): DecodedEnvelope {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw new ProtoDecodeError("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
  let apiVersion = "";
  let kind = "";
  let raw = Buffer.alloc(0);
  for (const f of readFields(body.subarray(4))) {
    if (f.field === 1 && f.bytes) {
      for (const t of readFields(f.bytes)) {
        if (t.field === 1 && t.bytes) apiVersion = t.bytes.toString("utf8");
        if (t.field === 2 && t.bytes) kind = t.bytes.toString("utf8");
      }
    } else if (f.field === 2 && f.bytes) raw = Buffer.from(f.bytes);
  }
  return { apiVersion, kind, raw };
}

/** The schema name for apiVersion/kind, if kubeforge can decode it. */
export function protobufSchemaFor(apiVersion: string, kind: string): string | undefined {
  const key = `${apiVersion}/${kind}`;
  if (schemas[key]) return key;
  // DeleteOptions and other meta types are sent with the group-version of the request
  if (schemas[`meta/${kind}`]) return `meta/${kind}`;
  return undefined;
}

/** Decodes a protobuf body into a JSON-shaped object with apiVersion and kind set. */
export function decodeProtobufObject(env: DecodedEnvelope, schemaName: string): Record<string, unknown> {
  const schema = schemas[schemaName];
  if (!schema) throw new ProtoDecodeError(`no protobuf schema for ${schemaName}`);
  const obj = decodeMessage(env.raw, schema, schemaName);
  const out: Record<string, unknown> = {};
  if (env.apiVersion) out.apiVersion = env.apiVersion;
  if (env.kind) out.kind = env.kind;
  return Object.assign(out, obj);
}

function int(f: ProtoField, bits: 32 | 64): number {
  if (f.int === undefined) throw new ProtoDecodeError("expected a varint");
  return Number(BigInt.asIntN(bits, f.int));
}

function scalar(f: ProtoField, type: Scalar): unknown {
  switch (type) {
    case "string":
      if (!f.bytes) throw new ProtoDecodeError("expected a string");
      return f.bytes.toString("utf8");
    case "bytes":
      if (!f.bytes) throw new ProtoDecodeError("expected bytes");
      return f.bytes.toString("base64");
    case "bool":
      return f.int !== undefined && f.int !== 0n;
    case "int32":
      return int(f, 32);
    case "int64":
      return int(f, 64);
    case "double":
      if (f.int === undefined) throw new ProtoDecodeError("expected a double");
      {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(f.int);
        return b.readDoubleLE(0);
      }
  }
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Special messages with a JSON form of their own; undefined = omit the field. */
function special(name: string, buf: Buffer): { value: unknown } | undefined {
  const fields = readFields(buf);
  switch (name) {
    case "Time": {
      let seconds = 0;
      for (const f of fields) if (f.field === 1) seconds = int(f, 64);
      return seconds === 0 ? { value: undefined } : { value: rfc3339(seconds) };
    }
    case "MicroTime": {
      let seconds = 0;
      let nanos = 0;
      for (const f of fields) {
        if (f.field === 1) seconds = int(f, 64);
        if (f.field === 2) nanos = int(f, 32);
      }
      if (seconds === 0 && nanos === 0) return { value: undefined };
      return { value: `${rfc3339(seconds).slice(0, -1)}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` };
    }
    case "IntOrString": {
      let type = 0;
      let intVal = 0;
      let strVal = "";
      for (const f of fields) {
        if (f.field === 1) type = int(f, 64);
        else if (f.field === 2) intVal = int(f, 32);
        else if (f.field === 3 && f.bytes) strVal = f.bytes.toString("utf8");
      }
      return { value: type === 1 ? strVal : intVal };
    }
    case "Quantity": {
      for (const f of fields) if (f.field === 1 && f.bytes) return { value: f.bytes.toString("utf8") };
      return { value: "0" };
    }
    case "FieldsV1":
    case "RawExtension": {
      for (const f of fields) {
        if (f.field === 1 && f.bytes) {
          try {
            return { value: JSON.parse(f.bytes.toString("utf8")) as unknown };
          } catch {
            throw new ProtoDecodeError(`${name} does not hold JSON`);
          }
        }
      }
      return { value: undefined };
    }
    default:
      return undefined;
  }
}

function decodeValue(f: ProtoField, def: FieldDef, path: string): { value: unknown; present: boolean } {
  if (typeof def.type === "string") {
    const v = scalar(f, def.type);
    return { value: v, present: def.keep === true || !isZero(v) };
  }
  if ("msg" in def.type) {
    if (!f.bytes) throw new ProtoDecodeError(`${path}: expected a message`);
    const sp = special(def.type.msg, f.bytes);
    if (sp) return { value: sp.value, present: sp.value !== undefined && (def.keep === true || def.type.msg !== "IntOrString" || !isZero(sp.value)) };
    const schema = schemas[def.type.msg];
    if (!schema) throw new ProtoDecodeError(`${path}: no schema for ${def.type.msg}`);
    return { value: decodeMessage(f.bytes, schema, path), present: true };
  }
  throw new ProtoDecodeError(`${path}: maps are decoded by their parent`);
}

function decodeMessage(buf: Buffer, schema: MessageDef, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const def = schema[f.field];
    if (!def) throw new ProtoDecodeError(`${path}: field number ${f.field} is not supported by this server's protobuf decoder; send JSON instead`);
    const fieldPath = `${path}.${def.name}`;
    if (typeof def.type === "object" && "map" in def.type) {
      if (!f.bytes) throw new ProtoDecodeError(`${fieldPath}: expected a map entry`);
      let key = "";
      let value: unknown = def.type.map === "bytes" ? "" : def.type.map === "string" ? "" : undefined;
      for (const e of readFields(f.bytes)) {
        if (e.field === 1 && e.bytes) key = e.bytes.toString("utf8");
        else if (e.field === 2) {
          const vt = def.type.map;
          if (typeof vt === "string") value = scalar(e, vt);
          else if (e.bytes) {
            const sp = special(vt.msg, e.bytes);
            value = sp ? sp.value : decodeMessage(e.bytes, schemas[vt.msg] ?? {}, fieldPath);
          }
        }
      }
      const m = (out[def.name] ??= {}) as Record<string, unknown>;
      m[key] = value;
      continue;
    }
    const { value, present } = decodeValue(f, def, fieldPath);
    if (def.inline) {
      Object.assign(out, value);
    } else if (def.repeated) {
      const list = (out[def.name] ??= []) as unknown[];
      list.push(value);
    } else if (present) {
      out[def.name] = value;
    } else {
      delete out[def.name];
    }
  }
  return out;
}
