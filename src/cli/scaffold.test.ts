/**
 * The scaffolding commands in-process, in temporary directories (no npm install: test/scaffold covers a
 * project that is installed, built and run): init --project-name / --namespaced=false, create api --plural /
 * --resource=false / --controller=false / --force, create webhook --force, edit, generate without a project
 * and with a leftover CRD, the usage text, flag suggestions, run's target flags, and the 403 hints of run.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { createCommand } from "./create.js";
import { editCommand } from "./edit.js";
import { UsageError } from "./errors.js";
import { generateCommand } from "./generate.js";
import { initCommand } from "./init.js";
import { main } from "./main.js";
import { forbiddenHints, runCommand } from "./run.js";

let base: string;
let n = 0;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "kf-cli-"));
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

/** Everything written to stdout and stderr (yeoman's "create ..." lines included) while `fn` runs. */
async function captured<T>(fn: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { result: await fn(), error: undefined, out, err };
  } catch (error) {
    return { result: undefined, error, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A UsageError's message and exit code (fails the test when `fn` does not throw one). */
async function usageError(fn: () => Promise<unknown>): Promise<{ message: string; code: number }> {
  const { error } = await captured(fn);
  expect(error).toBeInstanceOf(UsageError);
  return { message: (error as UsageError).message, code: (error as UsageError).exitCode };
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

/** A new project (init) in a fresh directory named `name`. */
async function project(flags: string[] = [], name = `proj-${++n}`): Promise<string> {
  const dir = join(base, name);
  await mkdir(dir);
  const r = await captured(() => initCommand(["--domain", "example.com", ...flags], dir));
  expect(r.error).toBeUndefined();
  return dir;
}

const create = (dir: string, args: string[]) => captured(() => createCommand(args, dir));
const projectFile = async (dir: string): Promise<Record<string, unknown> & { resources?: Record<string, unknown>[] }> => parse(await readFile(join(dir, "PROJECT"), "utf8")) as never;

afterEach(() => vi.restoreAllMocks());

describe("kubeforge usage and flags", () => {
  it("the top-level usage lists every command, create webhook included", async () => {
    const r = await captured(() => main(["--help"]));
    expect(r.result).toBe(0);
    for (const c of ["init", "create api", "create webhook", "run", "edit", "cluster up", "generate", "import crd", "version"]) expect(r.out).toContain(`\n  ${c} `);
  });

  it("an unknown flag names the closest one, with exit 2 and no stack trace", async () => {
    const init = await captured(() => main(["init", "--domain", "example.com", "--namespace=false"]));
    expect(init.result).toBe(2);
    expect(init.err).toMatch(/^kubeforge: unknown flag "--namespace" \(did you mean --namespaced\?\)\n/);
    const gen = await captured(() => main(["generate", "--chek"]));
    expect(gen.result).toBe(2);
    expect(gen.err).toContain('unknown flag "--chek" (did you mean --check?)');
    const api = await captured(() => main(["create", "api", "--kindd", "X"]));
    expect(api.err).toContain('unknown flag "--kindd" (did you mean --kind?)');
    const far = await captured(() => main(["create", "api", "--zzzzzz"]));
    expect(far.err).toContain('unknown flag "--zzzzzz"\n');
    expect(init.err + gen.err + api.err).not.toMatch(/\n\s+at /);
  });
});

describe("kubeforge init", () => {
  it("--project-name names the project (PROJECT, package.json, namespace); without it a bad directory name says to pass it", async () => {
    const dir = join(base, "Some_Dir");
    await mkdir(dir);
    const bad = await usageError(() => initCommand(["--domain", "example.com"], dir));
    expect(bad.message).toBe('--project-name "some_dir" must be a DNS label (lower-case letters, digits and \'-\'), e.g. --project-name guestbook-operator (derived from the directory name "Some_Dir"; pass --project-name)');
    expect(await readdir(dir)).toEqual([]);
    const r = await captured(() => initCommand(["--domain", "example.com", "--project-name", "shop-operator"], dir));
    expect(r.error).toBeUndefined();
    expect((await projectFile(dir)).projectName).toBe("shop-operator");
    expect(JSON.parse(await readFile(join(dir, "package.json"), "utf8")).name).toBe("shop-operator");
    expect(await readFile(join(dir, "config/default/kustomization.yaml"), "utf8")).toContain("namespace: shop-operator-system");
  });

  it("--namespaced=false makes new APIs cluster-scoped (marker, controller, CRD)", async () => {
    const dir = await project(["--namespaced=false"]);
    expect((await projectFile(dir)).namespaced).toBe(false);
    expect((await create(dir, ["api", "--group", "infra", "--version", "v1", "--kind", "Cluster"])).error).toBeUndefined();
    expect(await readFile(join(dir, "api/v1/cluster.types.ts"), "utf8")).toContain(" * +kubebuilder:resource:scope=Cluster\n");
    const ctrl = await readFile(join(dir, "internal/controller/cluster.controller.ts"), "utf8");
    expect(ctrl).toContain("{ ...clusterType, name: req.name }");
    expect(await readFile(join(dir, "internal/controller/cluster.controller.test.ts"), "utf8")).not.toContain('namespace: "default"');
    expect((await captured(() => generateCommand([], dir))).result).toBe(0);
    expect((parse(await readFile(join(dir, "config/crd/bases/infra.example.com_clusters.yaml"), "utf8")) as { spec: { scope: string } }).spec.scope).toBe("Cluster");
    // --namespaced=true on one API overrides the project's default
    expect((await create(dir, ["api", "--group", "infra", "--version", "v1", "--kind", "Node", "--namespaced=true"])).error).toBeUndefined();
    expect(await readFile(join(dir, "api/v1/node.types.ts"), "utf8")).not.toContain("scope=Cluster");
  });
});

describe("kubeforge create api", () => {
  it("--plural names the resource everywhere it appears, and generate writes the CRD the kustomization lists", async () => {
    const dir = await project();
    expect((await create(dir, ["api", "--group", "garden", "--version", "v1", "--kind", "Cactus", "--plural", "cacti"])).error).toBeUndefined();
    expect(await readFile(join(dir, "api/v1/cactus.types.ts"), "utf8")).toContain(" * +kubebuilder:resource:path=cacti\n");
    expect(await readFile(join(dir, "internal/controller/cactus.controller.ts"), "utf8")).toContain("resources=cacti,verbs=get;list;watch;create;update;patch;delete");
    expect(await readFile(join(dir, "config/crd/kustomization.yaml"), "utf8")).toContain("- bases/garden.example.com_cacti.yaml");
    expect((await projectFile(dir)).resources?.[0]).toMatchObject({ kind: "Cactus", plural: "cacti" });
    // the default plural is flect's, in the scaffold and in generate alike
    expect((await create(dir, ["api", "--group", "garden", "--version", "v1", "--kind", "Person"])).error).toBeUndefined();
    expect(await readFile(join(dir, "api/v1/person.types.ts"), "utf8")).not.toContain("+kubebuilder:resource:path");
    expect((await captured(() => generateCommand([], dir))).result).toBe(0);
    const bases = await readdir(join(dir, "config/crd/bases"));
    expect(bases.sort()).toEqual(["garden.example.com_cacti.yaml", "garden.example.com_people.yaml"]);
    const listed = (parse(await readFile(join(dir, "config/crd/kustomization.yaml"), "utf8")) as { resources: string[] }).resources;
    for (const r of listed) expect(existsSync(join(dir, "config/crd", r)), r).toBe(true);
    expect((await captured(() => generateCommand(["--check"], dir))).result).toBe(0);
    expect((await usageError(() => createCommand(["api", "--group", "garden", "--version", "v1", "--kind", "Tree", "--plural", "Trees"], dir))).message).toBe(
      '--plural "Trees" must be lower-case letters, digits and \'-\', e.g. --plural trees',
    );
  });

  it("--resource=false scaffolds only the controller; --controller=false only the types; not both", async () => {
    const dir = await project();
    const before = await files(dir);
    expect((await create(dir, ["api", "--group", "apps", "--version", "v1", "--kind", "Web", "--resource=false"])).error).toBeUndefined();
    const afterCtrl = await files(dir);
    expect(afterCtrl.filter((f) => !before.includes(f))).toEqual(["internal/controller/web.controller.test.ts", "internal/controller/web.controller.ts"]);
    expect((await projectFile(dir)).resources?.[0]).toEqual({ group: "apps", version: "v1", kind: "Web", plural: "webs", domain: "example.com", controller: true });
    expect(await readFile(join(dir, "src/main.ts"), "utf8")).toContain("setupWebController(mgr);");

    const main = await readFile(join(dir, "src/main.ts"), "utf8");
    expect((await create(dir, ["api", "--group", "apps", "--version", "v1", "--kind", "Db", "--controller=false"])).error).toBeUndefined();
    const added = (await files(dir)).filter((f) => !afterCtrl.includes(f));
    expect(added).toEqual(expect.arrayContaining(["api/v1/db.types.ts", "config/samples/apps_v1_db.yaml", "config/rbac/db_admin_role.yaml"]));
    expect(added.some((f) => f.startsWith("internal/controller/"))).toBe(false);
    expect(await readFile(join(dir, "src/main.ts"), "utf8")).toBe(main);
    expect((await projectFile(dir)).resources?.[1]).toMatchObject({ kind: "Db", api: { crdVersion: "v1", namespaced: true }, path: "api/v1/db.types.ts" });
    expect((await projectFile(dir)).resources?.[1]).not.toHaveProperty("controller");

    const none = await usageError(() => createCommand(["api", "--group", "apps", "--version", "v1", "--kind", "X", "--resource=false", "--controller=false"], dir));
    expect(none.message).toBe("--resource=false and --controller=false together leave nothing to create");
  });

  it("refuses to overwrite without --force and writes nothing; --force rewrites", async () => {
    const dir = await project();
    expect((await create(dir, ["api", "--group", "shop", "--version", "v1", "--kind", "Cart"])).error).toBeUndefined();
    const types = join(dir, "api/v1/cart.types.ts");
    await writeFile(types, `${await readFile(types, "utf8")}\n// my edit\n`);
    const snapshot = await Promise.all((await files(dir)).map(async (f) => [f, await readFile(join(dir, f), "utf8")]));
    const again = await usageError(() => createCommand(["api", "--group", "shop", "--version", "v1", "--kind", "Cart"], dir));
    expect(again).toEqual({ message: "API shop/v1, Kind=Cart already exists (api/v1/cart.types.ts, internal/controller/cart.controller.ts); pass --force to overwrite it", code: 1 });
    expect(await Promise.all((await files(dir)).map(async (f) => [f, await readFile(join(dir, f), "utf8")]))).toEqual(snapshot);
    expect((await create(dir, ["api", "--group", "shop", "--version", "v1", "--kind", "Cart", "--force"])).error).toBeUndefined();
    expect(await readFile(types, "utf8")).not.toContain("// my edit");
    // still one resource in PROJECT, one wiring in main.ts
    expect((await projectFile(dir)).resources?.length).toBe(1);
    expect((await readFile(join(dir, "src/main.ts"), "utf8")).match(/setupCartController\(mgr\);/g)?.length).toBe(1);
  });

  it("a scaffold edit that cannot be made is one clear message (no yeoman error line) and nothing is written", async () => {
    const dir = await project();
    const mainFile = join(dir, "src/main.ts");
    await writeFile(mainFile, (await readFile(mainFile, "utf8")).replace("// +kubebuilder:scaffold:imports\n", ""));
    const before = await files(dir);
    const r = await create(dir, ["api", "--group", "shop", "--version", "v1", "--kind", "Order"]);
    expect((r.error as Error).message).toBe('src/main.ts: the line "// +kubebuilder:scaffold:imports" is missing; put it back where new code should go, then run the command again');
    expect(r.out + r.err).not.toContain("An error occured");
    expect(await files(dir)).toEqual(before);
    // as the CLI prints it
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const cli = await captured(() => main(["create", "api", "--group", "shop", "--version", "v1", "--kind", "Order"]));
      expect(cli.result).toBe(1);
      expect(cli.err).toBe('kubeforge: src/main.ts: the line "// +kubebuilder:scaffold:imports" is missing; put it back where new code should go, then run the command again\n');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("kubeforge create webhook", () => {
  it("a second kind of webhook needs --force, which keeps the kind's existing webhooks", async () => {
    const dir = await project();
    expect((await create(dir, ["api", "--group", "shop", "--version", "v1", "--kind", "Cart"])).error).toBeUndefined();
    expect((await create(dir, ["webhook", "--group", "shop", "--version", "v1", "--kind", "Cart", "--defaulting"])).error).toBeUndefined();
    const again = await usageError(() => createCommand(["webhook", "--group", "shop", "--version", "v1", "--kind", "Cart", "--programmatic-validation"], dir));
    expect(again.message).toBe("internal/webhook/v1/cart.webhook.ts already exists (webhooks: defaulting); pass --force to rewrite it with defaulting, validation (your edits to it are replaced)");
    expect((await create(dir, ["webhook", "--group", "shop", "--version", "v1", "--kind", "Cart", "--programmatic-validation", "--force"])).error).toBeUndefined();
    const file = await readFile(join(dir, "internal/webhook/v1/cart.webhook.ts"), "utf8");
    expect(file).toContain("export const cartDefaulter");
    expect(file).toContain("export const cartValidator");
    expect((await projectFile(dir)).resources?.[0]?.webhooks).toEqual({ defaulting: true, validation: true, webhookVersion: "v1" });
    expect((await readFile(join(dir, "src/main.ts"), "utf8")).match(/setupCartWebhook\(mgr\);/g)?.length).toBe(1);
    // the test goes through the API server with the project's webhook manifests
    expect(await readFile(join(dir, "internal/webhook/v1/cart.webhook.test.ts"), "utf8")).toContain('webhookInstallOptions: { paths: ["config/webhook/manifests.yaml"] }');
  });
});

describe("kubeforge edit", () => {
  it("--multigroup allows APIs in a second group (under api/<group>/); --multigroup=false is refused once there are two", async () => {
    const dir = await project();
    expect((await create(dir, ["api", "--group", "shop", "--version", "v1", "--kind", "Cart"])).error).toBeUndefined();
    const single = await usageError(() => createCommand(["api", "--group", "billing", "--version", "v1", "--kind", "Invoice"], dir));
    expect(single).toEqual({ message: 'this project is single-group (group "shop"); run "kubeforge edit --multigroup" to add APIs in other groups', code: 1 });
    const r = await captured(() => editCommand(["--multigroup"], dir));
    expect(r.result).toBe(0);
    expect(r.out).toBe("PROJECT updated: multigroup=true, namespaced=true\n");
    expect((await projectFile(dir)).multiGroup ?? (await projectFile(dir)).multigroup).toBe(true);
    expect((await create(dir, ["api", "--group", "billing", "--version", "v1", "--kind", "Invoice"])).error).toBeUndefined();
    expect(existsSync(join(dir, "api/billing/v1/invoice.types.ts"))).toBe(true);
    expect(existsSync(join(dir, "api/v1/cart.types.ts"))).toBe(true);
    expect((await usageError(() => editCommand(["--multigroup=false"], dir))).message).toBe("the project has APIs in several groups; it has to stay multigroup");
  });

  it("--namespaced=false changes the default scope of new APIs; no flag is a usage error", async () => {
    const dir = await project();
    expect((await captured(() => editCommand(["--namespaced=false"], dir))).result).toBe(0);
    expect((await projectFile(dir)).namespaced).toBe(false);
    expect((await create(dir, ["api", "--group", "infra", "--version", "v1", "--kind", "Zone"])).error).toBeUndefined();
    expect(await readFile(join(dir, "api/v1/zone.types.ts"), "utf8")).toContain("+kubebuilder:resource:scope=Cluster");
    const none = await usageError(() => editCommand([], dir));
    expect(none.code).toBe(2);
    expect(none.message).toMatch(/^nothing to change: pass --multigroup or --namespaced/);
    const elsewhere = join(base, "no-project");
    await mkdir(elsewhere, { recursive: true });
    expect((await usageError(() => editCommand(["--multigroup"], elsewhere))).message).toContain("no PROJECT file");
  });
});

describe("kubeforge generate", () => {
  it("in a directory without a project: a clear error (exit 1), nothing written", async () => {
    const dir = join(base, "empty-gen");
    await mkdir(dir);
    const r = await usageError(() => generateCommand([], dir));
    expect(r).toEqual({ message: `nothing to generate from in ${dir}: no api/ or internal/ folder and no PROJECT file; run it in a project (kubeforge init), or name the API type files with --paths`, code: 1 });
    expect(await readdir(dir)).toEqual([]);
    const fresh = await project();
    expect((await usageError(() => generateCommand([], fresh))).message).toContain("add an API first: kubeforge create api --group <group> --version v1 --kind <Kind>");
  });

  it("--check reports the CRD of a deleted kind as left over; generate removes it (and only generated files)", async () => {
    const dir = await project();
    for (const kind of ["Cart", "Order"]) expect((await create(dir, ["api", "--group", "shop", "--version", "v1", "--kind", kind])).error).toBeUndefined();
    expect((await captured(() => generateCommand([], dir))).result).toBe(0);
    await writeFile(join(dir, "config/crd/bases/handwritten.yaml"), "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n");
    await rm(join(dir, "api/v1/order.types.ts"));
    const err: string[] = [];
    expect(await generateCommand(["--check"], dir, () => undefined, (s) => err.push(s))).toBe(1);
    expect(err.join("")).toContain('config/crd/bases/shop.example.com_orders.yaml (left over: no API type generates it any more; "kubeforge generate" removes it)');
    expect(err.join("")).not.toContain("handwritten");
    const out: string[] = [];
    expect(await generateCommand([], dir, (s) => out.push(s))).toBe(0);
    expect(out.join("")).toContain("removed config/crd/bases/shop.example.com_orders.yaml (no API type generates it any more)");
    expect((await readdir(join(dir, "config/crd/bases"))).sort()).toEqual(["handwritten.yaml", "shop.example.com_carts.yaml"]);
    expect(await generateCommand(["--check"], dir)).toBe(0);
  });
});

describe("kubeforge run", () => {
  it("--local (the default), --use-current-context and --kubeconfig exclude each other; their mistakes are named before anything is built", async () => {
    const dir = await project();
    expect((await usageError(() => runCommand(["--local", "--use-current-context"], dir))).message).toBe("--local and --use-current-context exclude each other: choose one (--local is the default)");
    expect((await usageError(() => runCommand(["--use-current-context", "--kubeconfig", "x"], dir))).message).toContain("--use-current-context and --kubeconfig exclude each other");
    expect((await usageError(() => runCommand(["--use-current-context", "--port", "6443"], dir))).message).toBe("--port is the port of the local control plane; it does not go with --use-current-context");
    expect((await usageError(() => runCommand(["--kubeconfig", join(base, "nope")], dir))).message).toBe(`--kubeconfig ${join(base, "nope")}: no such file`);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = join(base, "missing-kubeconfig");
    try {
      const e = await usageError(() => runCommand(["--use-current-context"], dir));
      expect(e.code).toBe(1);
      expect(e.message).toContain(`--use-current-context: no usable kubeconfig at $KUBECONFIG (${join(base, "missing-kubeconfig")})`);
      expect(e.message).toContain("drop the flag to run on a local control plane");
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
    const help = await captured(() => runCommand(["--help"], dir));
    expect(help.out).toContain("--use-current-context");
    expect(help.out).toContain("--local                  (the default)");
  });

  it("turns the API server's 403s in the manager's log into the missing marker, once per verb and resource", () => {
    const out: string[] = [];
    const feed = forbiddenHints((s) => out.push(s));
    const line = (verb: string, res: string, group: string): string =>
      `{"level":"error","msg":"failed to list","error":"ForbiddenError: ${res}.${group} is forbidden: User \\"system:serviceaccount:x-system:x-controller-manager\\" cannot ${verb} resource \\"${res}\\" in API group \\"${group}\\" at the cluster scope"}\n`;
    const text = line("list", "guestbooks", "webapp.example.com");
    feed(text.slice(0, 90));
    feed(text.slice(90));
    feed(text);
    feed(`... User "u" cannot watch resource "configmaps" in API group "" in the namespace "default"\n`);
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('the manager was forbidden to list guestbooks in API group "webapp.example.com" (HTTP 403)');
    expect(out[0]).toContain("// +kubebuilder:rbac:groups=webapp.example.com,resources=guestbooks,verbs=list");
    expect(out[1]).toContain("// +kubebuilder:rbac:groups=core,resources=configmaps,verbs=watch");
  });
});
