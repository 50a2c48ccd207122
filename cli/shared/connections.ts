/**
 * Connections as both commands see them: listed from an API, or held by a stack's checkpoint
 * (`pulumi stack export`), and which stack of the backend owns which. Pure: no I/O.
 */
import type { Remote, ResourceKind } from "../../provider/core/kind";

/** The prefix of the resources this package registers: dynamic resources of the two families. */
const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";
const FAMILIES = ["pictory:", "apinizer:"];

/** `pulumi-nodejs:dynamic/pictory:AwsConnection` → `pictory:AwsConnection`; other types → undefined. */
export function connectionKind(type: string): string | undefined {
  if (!type.startsWith(DYNAMIC_PREFIX)) return undefined;
  const token = type.slice(DYNAMIC_PREFIX.length);
  return FAMILIES.some((f) => token.startsWith(f)) ? token : undefined;
}

/** One connection as an API list returned it, with the kind it belongs to. */
export interface ListedConnection {
  readonly kind: ResourceKind;
  readonly remote: Remote;
}

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

/** The connections of a `pulumi stack export` deployment (secret inputs stay encrypted). */
export function managedConnections(deployment: unknown): ManagedConnection[] {
  const resources = (deployment as { resources?: unknown[] } | undefined)?.resources ?? [];
  const out: ManagedConnection[] = [];
  for (const r of resources as {
    type?: string;
    id?: string;
    external?: unknown;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
  }[]) {
    const type = connectionKind(r.type ?? "");
    // A `.get` is read, never managed (Pulumi marks it `external`): it owns nothing.
    if (!type || !r.id || r.external === true) continue;
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

/** The connections one stack of the backend manages, read from its state. */
export interface StackConnections {
  /** The stack, as `pulumi stack ls --fully-qualify-stack-names` names it (`org/project/stack`). */
  readonly stack: string;
  readonly managed: readonly ManagedConnection[];
}

/** A listed connection, as the reports name it. */
export interface ListedRef {
  /** The resource kind, e.g. `pictory:AwsConnection`. */
  readonly type: string;
  readonly id: string;
  readonly name: string;
  readonly projectName?: string;
  /** The account it was listed from; absent for the default credentials. */
  readonly account?: string;
  /** Its reference, as `import --only` and `drift --unmanaged` name it. */
  readonly ref: string;
}

/** A listed connection that other stacks manage. */
export interface ManagedElsewhere extends ListedRef {
  /** The stacks that manage it, sorted (more than one: it has several owners already). */
  readonly managedBy: readonly string[];
}

/**
 * True when `m` (from a stack's state) is the listed connection `c`: Pictory by ID, Apinizer by
 * project and name (names case-insensitively), since an Apinizer ID taken at creation outlives a
 * rename. Accounts are not compared: two stacks may name one account differently.
 */
export function sameConnection(c: ListedConnection, m: ManagedConnection): boolean {
  if (m.type !== c.kind.token) return false;
  if (c.kind.nameScope === undefined) return m.id === c.remote.id;
  const name = String(c.remote.fields.name ?? "");
  return (
    m.projectName === c.remote.fields.projectName && m.name?.toLowerCase() === name.toLowerCase()
  );
}

/** The listed connections no other stack manages, and those they do, with their stacks. */
export function partitionByOwner(
  listed: readonly ListedConnection[],
  others: readonly StackConnections[],
  account?: string,
): { readonly free: ListedConnection[]; readonly elsewhere: ManagedElsewhere[] } {
  const free: ListedConnection[] = [];
  const elsewhere: ManagedElsewhere[] = [];
  for (const c of listed) {
    const managedBy = others
      .filter((o) => o.managed.some((m) => sameConnection(c, m)))
      .map((o) => o.stack)
      .sort(cmp);
    if (managedBy.length === 0) {
      free.push(c);
      continue;
    }
    const project = c.remote.fields.projectName;
    elsewhere.push({
      type: c.kind.token,
      id: c.remote.id,
      name: String(c.remote.fields.name ?? ""),
      ...(typeof project === "string" ? { projectName: project } : {}),
      ...(account !== undefined ? { account } : {}),
      ref: identity(c),
      managedBy: [...new Set(managedBy)],
    });
  }
  return { free, elsewhere: elsewhere.sort((a, b) => cmp(a.ref, b.ref)) };
}

/** The connection's identity in its account: unique per kind, the same on every run. */
export function identity(c: ListedConnection): string {
  return `${c.kind.token}/${c.remote.id}`;
}

/** Code-unit order, the same on every machine (no locale). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A connection's reference, as `--only` and the drift report's unmanaged list name it. */
export function connectionRef(c: { readonly type: string; readonly id: string }): string {
  return `${c.type}/${c.id}`;
}

/** A word the shell reads as itself. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `pictory:AwsConnection/<id> "media": managed by organization/media/prod` */
export function elsewhereLine(e: ManagedElsewhere): string {
  const where = e.projectName !== undefined ? `${e.projectName}/` : "";
  return `${e.ref} ${JSON.stringify(`${where}${e.name}`)}: managed by ${e.managedBy.join(", ")}`;
}
