/**
 * `drift --unmanaged`: the connections the APIs hold that the stack does not manage, each with the
 * `import` command that brings it in. The comparison is pure (unit tested); listing goes through
 * the same code as `pulumi-connections import`, with the stack's config.
 */
import { FamilyName } from "../../provider/core/family";
import { KINDS } from "../../provider/registry";
import { importCommand } from "../shared/import-command";
import {
  connectionRef,
  ListedConnection,
  ListedRef,
  ManagedConnection,
  ManagedElsewhere,
  partitionByOwner,
  sameConnection,
  StackConnections,
} from "../shared/connections";
import { ListScope } from "../shared/listing";
import type { StackMasker } from "../shared/redaction";

/** A connection in the API that no resource of the stack manages. */
export interface UnmanagedConnection extends ListedRef {
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
  /** Listed connections that other stacks of the backend manage: not this stack's to import. */
  readonly managedElsewhere: readonly ManagedElsewhere[];
  /** Why the list is incomplete, when it is. */
  readonly error?: string;
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
  return managed.some((m) => m.account === account && sameConnection(c, m));
}

/**
 * The listed connections of one scope that the stack does not manage, split by whether another
 * stack of the backend manages them (`elsewhere`: never offered for import) or none does (`free`).
 */
export function notManagedHere(
  listed: readonly ListedConnection[],
  managed: readonly ManagedConnection[],
  others: readonly StackConnections[],
  account?: string,
): { readonly free: ListedConnection[]; readonly elsewhere: ManagedElsewhere[] } {
  return partitionByOwner(
    listed.filter((c) => !isManaged(c, managed, account)),
    others,
    account,
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

/** One scope's part of the unmanaged section, as the report shows it. */
export interface ScopeFindings {
  readonly scope: ListScope;
  readonly connections: readonly UnmanagedConnection[];
  /** The command that imports them all; absent when there are none. */
  readonly command?: string;
  readonly managedElsewhere: readonly ManagedElsewhere[];
}

/**
 * The unmanaged connections of one scope and their commands, with what the API and state said
 * (IDs, names, projects, the account) masked with the stack's secrets before the commands are
 * written: a secret pasted into a connection's name shows in no command, and the commands' own
 * words are never masked.
 */
export function scopeFindings(
  listed: readonly ListedConnection[],
  managed: readonly ManagedConnection[],
  others: readonly StackConnections[],
  scope: ListScope,
  command: { readonly stack: string; readonly cwd?: string },
  mask: StackMasker,
): ScopeFindings {
  const { free, elsewhere } = notManagedHere(listed, managed, others, scope.account);
  const shownScope = maskScope(scope, mask);
  // Matched against the state above, with the values as the API holds them; shown masked.
  const shown = free.map((c) => maskListed(c, mask));
  const connections = unmanagedOf(shown, [], shownScope, command);
  const together = importAllCommand(shown, connections, shownScope, command);
  return {
    scope: shownScope,
    connections,
    ...(together !== undefined ? { command: together } : {}),
    managedElsewhere: elsewhere.map((e) => {
      const id = mask.text(e.id);
      return {
        ...e,
        id,
        name: mask.text(e.name),
        ...(e.projectName !== undefined ? { projectName: mask.text(e.projectName) } : {}),
        ...(e.account !== undefined ? { account: mask.text(e.account) } : {}),
        ref: connectionRef({ type: e.type, id }),
      };
    }),
  };
}

/** A scope with the account and Apinizer projects (from state and the API) masked. */
export function maskScope(scope: ListScope, mask: StackMasker): ListScope {
  return {
    ...scope,
    apinizerProjects: scope.apinizerProjects.map(mask.text),
    ...(scope.account !== undefined ? { account: mask.text(scope.account) } : {}),
  };
}

function maskListed(c: ListedConnection, mask: StackMasker): ListedConnection {
  const fields = { ...c.remote.fields };
  for (const key of ["name", "projectName"])
    if (typeof fields[key] === "string") fields[key] = mask.text(fields[key]);
  return { kind: c.kind, remote: { ...c.remote, id: mask.text(c.remote.id), fields } };
}
