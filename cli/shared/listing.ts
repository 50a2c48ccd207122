/**
 * Reads what the configured credentials can see: the stack config (when a stack is named) or the
 * environment, resolved by the provider's own settings, and every connection listed through the
 * provider's HTTP client and answer validation. Shared by `import` and `drift --unmanaged`.
 */
import { ConnectionError } from "../../provider/core/errors";
import { FamilyName } from "../../provider/core/family";
import { HttpClient } from "../../provider/core/http";
import { ApiCall, ResourceKind } from "../../provider/core/kind";
import { redact } from "../../provider/core/secrets";
import { ConfigSource, SettingsStore } from "../../provider/core/settings";
import { KINDS } from "../../provider/registry";
import {
  childEnv,
  cliAt,
  cliStackOps,
  mapLimit,
  pendingOperationsOf,
  projectNameOf,
  splitStackName,
} from "./stacks";
import { ListedConnection, managedConnections, StackConnections } from "./connections";
import { summarizeFailure } from "./failure";
import { DEFAULT_PARALLEL } from "./options";
import { pulumiCommand } from "./pulumi-cli";

/** What to list. */
export interface ListScope {
  /** The families to list. */
  readonly families: readonly FamilyName[];
  /** Apinizer projects to list (its API lists per project). */
  readonly apinizerProjects: readonly string[];
  /** Apinizer types to list. @default every declared type */
  readonly apinizerTypes?: readonly string[];
  /** The account of the stack config's `<family>:accounts`. @default the default credentials */
  readonly account?: string;
}

/** The Apinizer types, from the kind's declaration. */
export function apinizerTypes(): string[] {
  const kind = [...KINDS.values()].find((k) => k.family.name === "apinizer" && k.variants);
  return Object.keys(kind?.variants?.sets ?? {});
}

/**
 * The stack's config as the provider's `configure` receives it: plain values, secrets decrypted
 * (with the stack's passphrase or secrets provider, from the environment as for the pulumi CLI).
 */
export async function stackConfig(stackName: string, workDir: string): Promise<ConfigSource> {
  // Loaded here: listing from the environment needs no Automation API.
  const { LocalWorkspace } =
    require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.selectStack(
    { stackName, workDir },
    { pulumiCommand: await pulumiCommand() },
  );
  const all = await stack.getAllConfig();
  return { get: (key) => all[key]?.value };
}

/** Settings from a config source (undefined: the environment alone), exactly as the provider reads them. */
export function settingsFrom(config: ConfigSource | undefined): SettingsStore {
  const store = new SettingsStore();
  if (config) store.configure(config);
  return store;
}

/** Lists every connection in scope. Throws a {@link ConnectionError} (credentials masked). */
export async function listConnections(
  store: SettingsStore,
  scope: ListScope,
): Promise<ListedConnection[]> {
  const settings = store.provider();
  const clients = new Map<string, HttpClient>();
  const secrets: string[] = [];
  const out: ListedConnection[] = [];
  try {
    for (const kind of KINDS.values()) {
      if (!scope.families.includes(kind.family.name)) continue;
      const family = store.family(kind.family, scope.account);
      secrets.push(family.credential);
      let http = clients.get(family.baseUrl);
      if (!http) {
        http = new HttpClient(family.baseUrl, settings.http);
        clients.set(family.baseUrl, http);
      }
      const call = (): ApiCall => ({
        kind,
        http: http!,
        family,
        settings,
        label: kind.token,
        deadline: {
          signal: AbortSignal.timeout(settings.operationTimeoutMs),
          ms: settings.operationTimeoutMs,
          setting: settings.key("operationTimeoutMs"),
          cancelled: () => false,
        },
        secrets,
      });
      for (const s of scopesOf(kind, scope)) {
        for (const remote of await kind.api.list(call(), s)) out.push({ kind, remote });
      }
    }
  } catch (e) {
    if (ConnectionError.isInstance(e))
      // The message is the code's own; what it quotes of an API was masked where it entered.
      e.message = redact(e.message, secrets, { whole: true });
    throw e;
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
  return out;
}

/** One list call per scope: Apinizer's per project and type, Pictory's once. */
function scopesOf(kind: ResourceKind, scope: ListScope): Record<string, unknown>[] {
  if (!kind.variants) return [{}];
  const types = scope.apinizerTypes ?? Object.keys(kind.variants.sets);
  return scope.apinizerProjects.flatMap((projectName) =>
    types.map((type) => ({ projectName, [kind.variants!.field]: type })),
  );
}

/** The kinds in registry order: the program's order. */
export function kindOrder(): string[] {
  return [...KINDS.keys()];
}

/**
 * True when `listed` (`org/project/stack`, or a legacy `stack`) is the stack `given` on the command
 * line in the project `project`: `given` may be short (`dev`) or qualified (`org/project/dev`).
 */
export function isStackNamed(listed: string, given: string, project: string | undefined): boolean {
  const a = listed.split("/");
  const b = given.split("/");
  if (b.length > a.length || a.slice(a.length - b.length).join("/") !== given) return false;
  // A short name means the stack of the project in --cwd, as the pulumi CLI reads it.
  const listedProject = splitStackName(listed).project;
  return (
    b.length > 1 ||
    listedProject === undefined ||
    project === undefined ||
    listedProject === project
  );
}

/**
 * What every stack of the backend except `current` manages, read the way `drift --all-stacks` reads
 * stacks: `pulumi stack ls --all`, then `pulumi stack export` of each (secrets stay encrypted),
 * with the user's environment (backend, credentials). A connection one of them manages must not be
 * adopted by another, so a stack that cannot be read makes the answer unknown: this throws, naming
 * each such stack and why, rather than return a partial list.
 */
export async function otherStacks(
  workDir: string,
  current: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<StackConnections[]> {
  const ops = cliStackOps(cliAt((await pulumiCommand()).command, workDir, childEnv(env), env));
  let listed: { readonly name: string }[];
  try {
    listed = await ops.list();
  } catch (e) {
    throw new Error(
      `the backend's stacks could not be listed, so which connections they manage is unknown: ` +
        `${summarizeFailure(e)}; log in to the backend the stacks use (pulumi login, or ` +
        `PULUMI_BACKEND_URL) and run again`,
      { cause: e },
    );
  }
  const project = projectNameOf(workDir);
  const others = listed.filter(
    (s) => current === undefined || !isStackNamed(s.name, current, project),
  );
  const read = await mapLimit(others, DEFAULT_PARALLEL, async ({ name }) => {
    try {
      const exported = await ops.exportState(name);
      const deployment = (JSON.parse(exported) as { deployment?: { resources?: unknown[] } })
        .deployment;
      // An update under way holds its resources in pending operations too.
      const pending = pendingOperationsOf(exported).map(
        (o) => (o as { resource?: unknown }).resource,
      );
      return {
        stack: name,
        managed: managedConnections({ resources: [...(deployment?.resources ?? []), ...pending] }),
      };
    } catch (e) {
      return { stack: name, error: summarizeFailure(e) };
    }
  });
  const failed = read.filter((r): r is { stack: string; error: string } => "error" in r);
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} other stack${failed.length === 1 ? "" : "s"} of the backend could not be ` +
        `read, so whether ${failed.length === 1 ? "it manages" : "they manage"} a listed connection is ` +
        `unknown and nothing is adopted: ${failed.map((f) => `${f.stack}: ${f.error}`).join("; ")}; ` +
        `make each readable (pulumi stack export --stack NAME) or remove it, then run again`,
    );
  }
  return read as StackConnections[];
}
