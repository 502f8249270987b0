/**
 * Runs one of kubeforge's yeoman generators in a directory. Checks happen before: a generator that throws
 * writes nothing, because yeoman commits its in-memory file system only after every step succeeded.
 */
import { createEnv } from "yeoman-environment";
import type Generator from "yeoman-generator";

export async function runGenerator(gen: new (...args: never[]) => Generator, cwd: string, options: object): Promise<void> {
  const env = createEnv({ cwd, skipInstall: true });
  const instance = (await env.instantiate(gen as never, { generatorArgs: [], generatorOptions: { ...options, force: true, skipInstall: true, skipCache: true } as never })) as Generator;
  // yeoman logs "✖ An error occured while running <generator>#writing" before rethrowing a step's error; the
  // error itself (a ScaffoldEditError naming the file and the fix) is what the CLI prints, so that line goes
  const log = instance.log;
  (instance as { log: typeof log }).log = new Proxy(log, { get: (target, prop, receiver) => (prop === "error" ? () => undefined : Reflect.get(target, prop, receiver)) });
  await env.runGenerator(instance);
}
