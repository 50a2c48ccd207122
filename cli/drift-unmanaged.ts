/**
 * `drift --unmanaged`: the connections the APIs hold that the stack does not manage, each with the
 * `import` command that brings it in. The comparison is pure (unit tested); listing goes through
 * the same code as `pulumi-connections import`, with the stack's config.
 */
import { FamilyName } from "../provider/core/family";
import { KINDS } from "../provider/registry";
import { connectionKind } from "./drift-report";
import { importCommand } from "./import";
import { connectionRef, ListedConnection } from "./import-program";
import { ListScope } from "./import-source";

/** A connection the stack's state holds, as far as telling it apart from others needs. */
export interface ManagedConnection {
  /** The resource kind, e.g. `pictory:AwsConnection`. */
  readonly type: string;
  readonly id: string;
  readonly name?: string;
  readonly projectName?: string;
  /** The `account` input; absent for the default credentials. */
  readonly account?: string;
}

/** A connection in the API that no resource of the stack manages. */
export interface UnmanagedConnection {
  readonly type: string;
  readonly id: string;
  readonly name: string;
  readonly projectName?: string;
  readonly account?: string;
  /** The reference `import --only` takes. */
  readonly ref: string;
  /** The command that writes the program adopting this one connection. */
  readonly importCommand: string;
}

/** The unmanaged section of a drift report. */
export interface UnmanagedReport {
  /** What was listed: per account, the families and Apinizer projects. */
  readonly scopes: readonly ListScope[];
  readonly connections: readonly UnmanagedConnection[];
  /** One command per account that imports all of them. */
  readonly commands: readonly string[];
  /** Why the list is incomplete, when it is. */
  readonly error?: string;
}

/** The connections of a `pulumi stack export` deployment (secret inputs stay encrypted). */
export function managedConnections(deployment: unknown): ManagedConnection[] {
  const resources = (deployment as { resources?: unknown[] } | undefined)?.resources ?? [];
  const out: ManagedConnection[] = [];
  for (const r of resources as {
    type?: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
  }[]) {
    const type = connectionKind(r.type ?? "");
    if (!type || !r.id) continue;
    const bag = { ...r.inputs, ...r.outputs };
    const str = (k: string) => (typeof bag[k] === "string" ? { [k]: bag[k] as string } : {});
    const account = r.inputs?.account;
    out.push({
      type,
      id: r.id,
      ...str("name"),
      ...str("projectName"),
      ...(typeof account === "string" ? { account } : {}),
    });
  }
  return out;
}

/**
 * What to list for a stack: each account its resources use (the default one when a resource has
 * no `account`, or the stack has none), with the families and Apinizer projects used there, plus
 * the projects asked for on the command line (in the default account).
 */
export function scopesFor(
  managed: readonly ManagedConnection[],
  extraProjects: readonly string[],
): ListScope[] {
  const accounts = new Map<string, { families: Set<FamilyName>; projects: Set<string> }>();
  const slot = (account: string | undefined) => {
    const key = account ?? "";
    let s = accounts.get(key);
    if (!s) accounts.set(key, (s = { families: new Set(), projects: new Set() }));
    return s;
  };
  for (const m of managed) {
    const s = slot(m.account);
    const family = KINDS.get(m.type)?.family.name;
    if (family) s.families.add(family);
    if (m.projectName !== undefined) s.projects.add(m.projectName);
  }
  if (managed.length === 0) slot(undefined).families.add("pictory");
  if (extraProjects.length > 0) {
    const s = slot(undefined);
    s.families.add("apinizer");
    for (const p of extraProjects) s.projects.add(p);
  }
  return [...accounts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, s]) => ({
      families: (["pictory", "apinizer"] as const).filter((f) => s.families.has(f)),
      apinizerProjects: [...s.projects].sort(),
      ...(account !== "" ? { account } : {}),
    }));
}

function isManaged(c: ListedConnection, managed: readonly ManagedConnection[], account?: string) {
  const { token } = c.kind;
  const scoped = c.kind.nameScope !== undefined;
  const name = String(c.remote.fields.name ?? "");
  const project = c.remote.fields.projectName;
  return managed.some(
    (m) =>
      m.type === token &&
      m.account === account &&
      // Apinizer connections are addressed by project and name (names case-insensitively):
      // an ID taken at creation outlives a rename.
      (scoped
        ? m.projectName === project && m.name?.toLowerCase() === name.toLowerCase()
        : m.id === c.remote.id),
  );
}

/** The listed connections of one scope that the stack does not manage, with their commands. */
export function unmanagedOf(
  listed: readonly ListedConnection[],
  managed: readonly ManagedConnection[],
  scope: ListScope,
  command: { readonly stack: string; readonly cwd?: string },
): UnmanagedConnection[] {
  return listed
    .filter((c) => !isManaged(c, managed, scope.account))
    .map((c) => {
      const project = c.remote.fields.projectName;
      const projectName = typeof project === "string" ? project : undefined;
      const ref = connectionRef({ type: c.kind.token, id: c.remote.id });
      return {
        type: c.kind.token,
        id: c.remote.id,
        name: String(c.remote.fields.name ?? ""),
        ...(projectName !== undefined ? { projectName } : {}),
        ...(scope.account !== undefined ? { account: scope.account } : {}),
        ref,
        importCommand: importCommand({
          ...command,
          scope: narrowed(scope, [c]),
          only: [ref],
        }),
      };
    })
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/** The smallest scope that lists these connections: their families and projects only. */
function narrowed(scope: ListScope, connections: readonly ListedConnection[]): ListScope {
  const families = (["pictory", "apinizer"] as const).filter((f) =>
    connections.some((c) => c.kind.family.name === f),
  );
  const projects = [
    ...new Set(
      connections.flatMap((c) =>
        typeof c.remote.fields.projectName === "string" ? [c.remote.fields.projectName] : [],
      ),
    ),
  ].sort();
  return {
    families,
    apinizerProjects: projects,
    ...(scope.account !== undefined ? { account: scope.account } : {}),
  };
}

/** The command that imports every unmanaged connection of one scope at once. */
export function importAllCommand(
  listed: readonly ListedConnection[],
  unmanaged: readonly UnmanagedConnection[],
  scope: ListScope,
  command: { readonly stack: string; readonly cwd?: string },
): string | undefined {
  const refs = new Set(unmanaged.map((u) => u.ref));
  const chosen = listed.filter((c) =>
    refs.has(connectionRef({ type: c.kind.token, id: c.remote.id })),
  );
  if (chosen.length === 0) return undefined;
  return `${importCommand({ ...command, scope: narrowed(scope, chosen), only: [...refs].sort() })} --out unmanaged.ts`;
}
