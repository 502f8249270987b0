/**
 * <%= kind %> served by this project's aggregated API server, reached through a local control plane (its
 * aggregator proxies <%= fullGroup %>/<%= version %> to the server through an APIService), as kubectl reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidError, NotFoundError } from "kubeforge";
import { startAggregatedTestEnvironment, type AggregatedTestEnvironment } from "<%= testingImport %>";
import { <%= lowerKind %>Type, type <%= kind %> } from "<%= typesImport %>";

let env: AggregatedTestEnvironment;

beforeAll(async () => {
  env = await startAggregatedTestEnvironment();
});

afterAll(async () => {
  await env?.stop();
});

describe("<%= kind %> in the aggregated API server", () => {
  const ref = { ...<%= lowerKind %>Type, name: "test-resource"<% if (namespaced) { %>, namespace: "default"<% } %> };

  it("is created, read, listed, updated and deleted through the control plane", async () => {
    const { client } = env;
    const created = await client.create<<%= kind %>>({ ...<%= lowerKind %>Type, metadata: { name: ref.name<% if (namespaced) { %>, namespace: ref.namespace<% } %> }, spec: { foo: "bar" } });
    expect(created.metadata.uid).toBeTruthy();
    expect((await client.get<<%= kind %>>(ref)).spec?.foo).toBe("bar");
    const list = await client.list<<%= kind %>>(<%= lowerKind %>Type<% if (namespaced) { %>, { namespace: ref.namespace }<% } %>);
    expect(list.items.map((o) => o.metadata.name)).toContain(ref.name);
    const updated = await client.update<<%= kind %>>({ ...created, spec: { foo: "baz" } });
    expect(updated.metadata.generation).toBe(2);
    // the object lives in the aggregated server's storage, not in the control plane's
    const store = env.server.server.store("<%= fullGroup %>", "<%= version %>", "<%= plural %>");
    expect(await store?.storage.get("<% if (namespaced) { %>default/<% } %>test-resource")).toMatchObject({ spec: { foo: "baz" } });
    await client.delete(ref);
    await expect(client.get(ref)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("rejects an object its markers or validate<%= kind %>() refuse, naming the field", async () => {
    const tooLong = env.client.create<<%= kind %>>({ ...<%= lowerKind %>Type, metadata: { name: "too-long"<% if (namespaced) { %>, namespace: "default"<% } %> }, spec: { foo: "x".repeat(65) } });
    await expect(tooLong).rejects.toBeInstanceOf(InvalidError);
    const err = (await tooLong.catch((e: unknown) => e)) as InvalidError;
    expect(err.causes.map((c) => c.field)).toEqual(["spec.foo"]);
    const forbidden = (await env.client
      .create<<%= kind %>>({ ...<%= lowerKind %>Type, metadata: { name: "forbidden"<% if (namespaced) { %>, namespace: "default"<% } %> }, spec: { foo: "forbidden" } })
      .catch((e: unknown) => e)) as InvalidError;
    expect(forbidden).toBeInstanceOf(InvalidError);
    expect(forbidden.message).toContain('spec.foo: Invalid value: "forbidden": is not allowed');
  });
});
