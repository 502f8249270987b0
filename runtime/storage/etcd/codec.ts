/**
 * Values are the object's JSON without metadata.resourceVersion; on read the resourceVersion is set from the
 * key's mod revision, as kube-apiserver's etcd3 store (APIObjectVersioner) does.
 */
import type { KubeObject } from "../../core/object.js";
import type { IKeyValue } from "etcd3";

/** The stored form of an object: its JSON minus metadata.resourceVersion. */
export function encodeObject(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  return Buffer.from(JSON.stringify({ ...obj, metadata }), "utf8");
}

/** A fresh object from a stored value, carrying `revision` as its resourceVersion. */
export function decodeObject(value: Buffer, revision: string): KubeObject {
  const obj = JSON.parse(value.toString("utf8")) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: revision };
  return obj;
}

/** A key's current value, decoded, with the mod revision the next compare-and-swap compares against. */
export interface Current {
  readonly obj: KubeObject;
  readonly modRevision: string;
}

export function decodeKV(kv: IKeyValue): Current {
  return { obj: decodeObject(kv.value, kv.mod_revision), modRevision: kv.mod_revision };
}
