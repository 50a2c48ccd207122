/**
 * The `pulumi-connections import` command line for a scope: printed by `import` itself and by
 * `drift --unmanaged`, which tells how to adopt what it found.
 */
import { shellWord } from "./connections";
import type { ListScope } from "./listing";

/** The command line that lists the same scope again, for messages and the drift report. */
export function importCommand(options: {
  readonly stack?: string;
  readonly cwd?: string;
  readonly scope: ListScope;
  readonly only?: readonly string[];
}): string {
  const words = ["pulumi-connections", "import"];
  if (options.stack !== undefined) words.push("--stack", shellWord(options.stack));
  if (options.cwd !== undefined) words.push("--cwd", shellWord(options.cwd));
  if (options.scope.account !== undefined)
    words.push("--account", shellWord(options.scope.account));
  for (const p of options.scope.apinizerProjects) words.push("--apinizer-project", shellWord(p));
  for (const t of options.scope.apinizerTypes ?? []) words.push("--type", shellWord(t));
  const defaults = ["pictory", ...(options.scope.apinizerProjects.length > 0 ? ["apinizer"] : [])];
  if (options.scope.families.join() !== defaults.join())
    for (const f of options.scope.families) words.push("--family", f);
  for (const o of options.only ?? []) words.push("--only", shellWord(o));
  return words.join(" ");
}
