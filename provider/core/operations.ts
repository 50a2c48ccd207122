/**
 * Operations: create, read, update and delete against a vendor's API, for every kind, from its
 * declaration. A create whose answer is lost is recovered by looking the unique name up (never
 * by posting blind), adoption converges an existing connection with one versioned PUT, and a
 * refused version is reported with both ways out. What each request sends and what state keeps
 * comes from the planning module (provider/core/planning.ts), which knows nothing of this one.
 */
import {
  ConnectionApiError,
  ConnectionConflictError,
  ConnectionError,
  ConnectionInitError,
  ConnectionNameConflictError,
  ConnectionResponseError,
  ConnectionTransportError,
  ConnectionValidationError,
} from "./errors";
import {
  ApiCall,
  fieldsFor,
  isConflict,
  lockedVersion,
  ownWords,
  Props,
  Ref,
  Remote,
  ResourceKind,
  VersionConflict,
} from "./kind";
import { changedFields, inputsFromRemote, outputsOf, wireBody } from "./planning";
import { redact } from "./secrets";

/**
 * A write the API saved but whose follow-up failed (docs/api/apinizer.md#deployment-result). With
 * the "fail" policy the error carries the ID and outputs, which the dynamic-provider host turns
 * into an initialization failure: the connection still lands in state, so nothing is orphaned.
 */
function settle(
  call: ApiCall,
  remote: Remote,
  id: string,
  outs: Record<string, unknown>,
): { id: string; outs: Record<string, unknown> } {
  if (remote.warning === undefined) return { id, outs };
  if (call.settings.onDeploymentFailure === "fail") {
    throw new ConnectionInitError(
      `${remote.warning}; fix the worker environments, then run \`pulumi up\` again ` +
        `(or set ${call.settings.key("onDeploymentFailure")} to "warn")`,
      id,
      outs,
    );
  }
  // The dynamic-provider host shows the provider's stderr; there is no engine log channel here.
  process.stderr.write(
    `warning: ${redact(remote.warning, call.secrets, { keep: ownWords(call.kind) })}; it is redeployed with the next update\n`,
  );
  return { id, outs };
}

/** One engine run of an operation on a kind, bound to its family's client and settings. */
export interface Operations {
  readonly kind: ResourceKind;
  call(inputs: Props): ApiCall;
}

/** `create`: one POST; an ambiguous failure is recovered by looking the unique name up, never by posting blind. */
export async function create(
  ops: Operations,
  inputs: Props,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const { kind } = ops;
  const call = ops.call(inputs);
  const started = Date.now();
  if (inputs.adopt !== undefined && inputs.adopt !== false) {
    const remote = await adoptExisting(ops, call, inputs);
    return settle(call, remote, remote.id, outputsOf(kind, inputs, remote));
  }
  const body = wireBody(kind, inputs);
  const lookup: ApiCall = { ...call, during: "create the connection" };
  if (kind.api.createMayOverwrite?.(call)) {
    const existing = await kind.api.findByName(lookup, inputs);
    if (existing) {
      if (call.settings.onNameConflict !== "adopt") {
        throw withNameConflictRecovery(
          call,
          new ConnectionNameConflictError(
            `${call.label}: could not create the connection: one named ${JSON.stringify(existing.fields.name ?? inputs.name)} ` +
              `already exists there (names are unique, and this server's create would overwrite it rather ` +
              `than refuse); choose another name, or set adopt: true to manage the existing connection`,
          ),
        );
      }
      // Someone else's connection: its write-only secrets are unknown to us, so they are always sent.
      const remote = await converge(ops, call, inputs, existing, true);
      return settle(call, remote, remote.id, outputsOf(kind, inputs, remote));
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const remote = await kind.api.create(call, inputs, body);
      return settle(call, remote, remote.id, outputsOf(kind, inputs, remote));
    } catch (e) {
      if (isNameConflict(e)) {
        if (call.settings.onNameConflict !== "adopt") throw withNameConflictRecovery(call, e);
        // Stack-wide adoption (connections:onNameConflict): typically a connection an interrupted
        // `up` created whose answer never reached the state. Same path as `adopt: true`.
        const remote = await adoptExisting(ops, call, inputs, e);
        return settle(call, remote, remote.id, outputsOf(kind, inputs, remote));
      }
      if (!isAmbiguous(e) || attempt >= 3) throw e;
      // The request may have been processed before the answer was lost (no API has an idempotency
      // key: docs/api/apinizer.md#where-the-pages-are-silent).
      const found = await kind.api.findByName(lookup, inputs).catch((failure: unknown) => {
        throw unresolvedCreate(call, e, failure);
      });
      if (found) {
        const doubt = notMadeBy(kind, inputs, found, started);
        // Every piece of evidence says our own POST made it, with these values: nothing to write.
        if (doubt === undefined)
          return settle(call, found, found.id, outputsOf(kind, inputs, found));
        const conflict = withNameConflictRecovery(
          call,
          new ConnectionNameConflictError(
            `${call.label}: could not create the connection: its POST got no usable answer ` +
              `(${e.message}), and a connection named ${JSON.stringify(inputs.name)} (ID ` +
              `${JSON.stringify(found.id)}) exists that this create may not have made: ${doubt}; ` +
              `choose another name, or set adopt: true to manage the existing connection`,
            { cause: e },
          ),
        );
        if (call.settings.onNameConflict !== "adopt") throw conflict;
        // Stack-wide adoption, as for the API's own name conflict: someone else's connection may
        // hold other write-only secrets, so they are always sent.
        const remote = await converge(ops, call, inputs, found, true);
        return settle(call, remote, remote.id, outputsOf(kind, inputs, remote));
      }
      // A success status the lookup contradicts: posting again would not make the answer sound.
      if (ConnectionError.isInstance(e) && e.code === "BAD_RESPONSE") throw e;
    }
  }
}

/**
 * How far the API's clock may run behind ours while a connection it dates still counts as made by
 * this create. Hosts and the API's servers keep time independently (a CI runner without NTP drifts
 * by minutes); a connection that was there before is typically days or years old, far beyond it.
 */
export const CREATE_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why a connection found by name after an ambiguous create may not be the one this create made,
 * or undefined when every piece of positive evidence says it is: a versioned API holds a new
 * connection at version 1 (docs/api/pictory-vimeo.md#versions), a dated one was created
 * after this create started (less {@link CREATE_CLOCK_SKEW_MS}), and every readable field holds
 * what we sent (secrets the API masks or never returns cannot be compared). Field names only: a
 * value could be a secret.
 */
export function notMadeBy(
  kind: ResourceKind,
  inputs: Props,
  found: Remote,
  started: number,
): string | undefined {
  if (found.version !== undefined && found.version !== 1)
    return `it is at version ${String(found.version)}, and a new connection is at version 1`;
  const created = found.computed.createdDate;
  if (created !== undefined && created !== null) {
    const at = typeof created === "string" ? Date.parse(created) : NaN;
    if (!Number.isFinite(at)) return "its creation date is not a date";
    if (at < started - CREATE_CLOCK_SKEW_MS)
      return `it was created at ${new Date(at).toISOString()}, before this create started`;
  }
  const differ = changedFields(kind, inputsFromRemote(kind, inputs, found), inputs);
  if (differ.length > 0)
    return `it holds other values of ${differ.join(", ")} than this create sent`;
  return undefined;
}

function isNameConflict(e: unknown): e is ConnectionError {
  return ConnectionError.isInstance(e) && e.code === "NAME_CONFLICT";
}

/** The API's name conflict, plus how to recover when an interrupted `pulumi up` left the connection. */
function withNameConflictRecovery(call: ApiCall, e: ConnectionError): ConnectionError {
  return new ConnectionNameConflictError(
    `${e.message}. If an interrupted \`pulumi up\` created it (it is in the API but not in the ` +
      `state), run \`pulumi refresh --clear-pending-creates\`, then \`pulumi up\` with stack config ` +
      `${call.settings.key("onNameConflict")} set to "adopt" (or CONNECTIONS_ON_NAME_CONFLICT=adopt): ` +
      `every create that meets an existing name then adopts that connection, and \`pulumi destroy\` ` +
      `will delete it, so use it only where no one else's connections share these names`,
    { status: e.status, cause: e },
  );
}

/**
 * A create whose POST got no usable answer and whose name lookup failed too: the connection may
 * or may not exist, and the message must say so about the create, not only about the lookup.
 */
function unresolvedCreate(call: ApiCall, post: unknown, lookup: unknown): unknown {
  if (!ConnectionError.isInstance(lookup) || !ConnectionError.isInstance(post)) return lookup;
  const next =
    `The connection may exist now: run \`pulumi up\` again once the API answers; if it then ` +
    `reports NAME_CONFLICT, adopt it with \`pulumi config set ${call.settings.key("onNameConflict")} adopt\` ` +
    `and \`pulumi up\` (then \`pulumi config rm ${call.settings.key("onNameConflict")}\`)`;
  if (post.code === "BAD_RESPONSE") {
    return new ConnectionResponseError(
      `${call.label}: the create did not finish: the API accepted its POST but the answer was not ` +
        `what the API documents (${post.message}), and looking the name up to learn whether it was ` +
        `created failed as well (${lookup.message}). ${next}`,
      { status: post.status, cause: lookup },
    );
  }
  const code = lookup.code === "TIMEOUT" || post.code === "TIMEOUT" ? "TIMEOUT" : "NETWORK_ERROR";
  return new ConnectionTransportError(
    lookup.code === "CANCELLED" ? "CANCELLED" : code,
    `${call.label}: the create did not finish: its POST got no answer (${post.message}), and looking ` +
      `the name up to learn whether it was created failed as well (${lookup.message}). ${next}`,
    lookup,
  );
}

/**
 * An error after which we cannot know whether the API acted on the request: no answer, a server
 * error, or a success status whose answer failed validation (an ID in an unexpected form): the
 * API applied that create, and only a lookup by name can tell what it holds.
 */
function isAmbiguous(e: unknown): e is ConnectionError {
  if (!ConnectionError.isInstance(e)) return false;
  if (e.code === "NETWORK_ERROR" || e.code === "TIMEOUT") return true;
  if (e.code === "BAD_RESPONSE") return (e.status ?? 0) >= 200 && (e.status ?? 0) < 300;
  return e.code === "API_ERROR" && (e.status ?? 0) >= 500;
}

/**
 * Takes over an existing connection (by `adopt`'s ID, else by name). `conflict` is the create's
 * name conflict when adoption comes from connections:onNameConflict; it is rethrown if the
 * name cannot be found (e.g. deleted in between).
 */
async function adoptExisting(
  ops: Operations,
  call: ApiCall,
  inputs: Props,
  conflict?: ConnectionError,
): Promise<Remote> {
  const { kind } = ops;
  const byId = typeof inputs.adopt === "string" ? inputs.adopt : undefined;
  const found = byId
    ? await kind.api.findById(call, inputs, byId)
    : await kind.api.findByName(call, inputs);
  if (!found && conflict) throw conflict;
  if (!found) {
    const what = byId ? `ID ${JSON.stringify(byId)}` : `name ${JSON.stringify(inputs.name)}`;
    throw new ConnectionValidationError(
      "ADOPT_NOT_FOUND",
      `${call.label}: adopt expected an existing connection with ${what} but the API has none; ` +
        `check the ${byId ? "ID" : "name"}, or remove \`adopt\` to create a new connection`,
      { status: 404 },
    );
  }
  // Someone else's connection: its write-only secrets are unknown to us, so they are always sent.
  return converge(ops, call, inputs, found, true);
}

/** Brings an existing connection to the desired inputs with one versioned PUT, if anything differs. */
async function converge(
  ops: Operations,
  call: ApiCall,
  inputs: Props,
  remote: Remote,
  sendWriteOnly: boolean,
): Promise<Remote> {
  const { kind } = ops;
  const current = { ...inputsFromRemote(kind, inputs, remote), ...remote.computed };
  const fields = fieldsFor(kind, inputs);
  const changed = changedFields(kind, current, inputs);
  const differs = changed.some((k) => !fields[k]?.replaceOnChange);
  const hasWriteOnly =
    sendWriteOnly &&
    Object.entries(fields).some(([k, s]) => s.writeOnly && inputs[k] !== undefined);
  const immutable = changed.filter((k) => fields[k]?.replaceOnChange);
  if (immutable.length > 0) {
    throw new ConnectionValidationError(
      "VALIDATION_FAILED",
      `${call.label}: the existing connection differs in ${immutable.join(", ")}, which cannot change after creation; ` +
        `set them to the existing values or let the provider create a new connection`,
    );
  }
  if (!differs && !hasWriteOnly) return remote;
  const ref: Ref = { id: remote.id, state: { ...current }, version: remote.version };
  const updated = await kind.api.update(call, ref, wireBody(kind, inputs));
  if (isConflict(updated)) throw versionConflict(call, ref, updated);
  return { ...updated, computed: { ...remote.computed, ...updated.computed } };
}

/** `update`: one versioned PUT with the version from state; on 409 fail (default) or re-read and re-apply. */
export async function update(
  ops: Operations,
  id: string,
  olds: Props,
  news: Props,
): Promise<Record<string, unknown>> {
  const { kind } = ops;
  const call = ops.call(news);
  const body = wireBody(kind, news);
  const version = lockedVersion(kind, olds);
  let ref: Ref = { id, state: olds, ...(version !== undefined ? { version } : {}) };
  const overwrite = (news.onConflict ?? call.settings.onConflict) === "overwrite";
  // onConflict "overwrite": the program is the source of truth, re-applied on the version the API
  // holds now; bounded, so two stacks that both overwrite cannot loop forever.
  for (let attempt = 0; ; attempt++) {
    const remote = await kind.api.update(call, ref, body);
    if (!isConflict(remote))
      return settle(call, remote, id, outputsOf(kind, news, remote, olds)).outs;
    if (!overwrite || attempt >= 3) throw versionConflict(call, ref, remote);
    const current = await kind.api.get(call, ref);
    if (!current) {
      throw new ConnectionApiError(
        "NOT_FOUND",
        `${call.label} was deleted outside Pulumi while being updated; run \`pulumi up --refresh\` to create it again`,
        { status: 404 },
      );
    }
    ref = { ...ref, version: current.version };
  }
}

/** `read` (refresh): one GET. A connection deleted out of band leaves the state (empty ID). */
export async function read(
  ops: Operations,
  id: string,
  state: Props,
): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> }> {
  const { kind } = ops;
  const call = ops.call(state);
  const remote = await kind.api.get(call, { id, state });
  // A connection read with `.get` is the program's premise, not a managed resource that went away.
  if (!remote && state.__get === true) throw notFound(call, id);
  if (!remote) return { id: "", props: {}, inputs: {} };
  const inputs = inputsFromRemote(kind, state, remote);
  const versionMoved =
    remote.version !== undefined && remote.version !== lockedVersion(kind, state);
  if (versionMoved) {
    // Someone wrote the connection outside this stack and the API never returns write-only secrets
    // (docs/api/pictory-vimeo.md#secrets-are-never-returned), so the state's values may no longer
    // be the API's. Dropping them makes the next diff an update, which re-sends the program's
    // values: `up --refresh` converges.
    const fields = fieldsFor(kind, inputs);
    for (const key of Object.keys(inputs)) if (fields[key]?.writeOnly) delete inputs[key];
  }
  // Every output holds what the API answers now: Pictory's create answer has no dates
  // (docs/api/pictory-vimeo.md#ids-and-dates), so the first read is where they appear. Outputs are
  // never compared for drift (diff and the drift report look at inputs), so their arrival is not a
  // change.
  return { id: remote.id || id, props: outputsOf(kind, inputs, remote, state), inputs };
}

/**
 * A connection a lookup or `.get` names does not exist for these credentials: named with its ID,
 * the account and where that account's credential is configured.
 */
export function notFound(call: ApiCall, id: string): ConnectionApiError {
  const account =
    call.family.account === undefined
      ? "the default credentials"
      : `account ${JSON.stringify(call.family.account)}`;
  return new ConnectionApiError(
    "NOT_FOUND",
    `${call.label}: no ${call.kind.title} with ID ${JSON.stringify(id)} exists for ${account} ` +
      `(${call.family.credentialKey} at ${call.family.baseUrl}): the API answered that it is not found; ` +
      `check the ID, and that it belongs to that account (a resource or lookup picks another with \`account\`)`,
    { status: 404 },
  );
}

/** `delete`: one DELETE; already gone is success. */
export async function remove(ops: Operations, id: string, state: Props): Promise<void> {
  await ops.kind.api.delete(ops.call(state), { id, state });
}

/** The error of a versioned update the API refused: both versions, and the two ways out. */
function versionConflict(
  call: ApiCall,
  ref: Ref,
  refused: VersionConflict,
): ConnectionConflictError {
  const { sent, current } = refused.conflict;
  const cur = current === undefined ? "a newer version" : `version ${String(current)}`;
  return new ConnectionConflictError(
    `${call.label} (ID ${ref.id}) was changed outside this stack: the API holds ${cur} but the state has version ${String(sent)}; ` +
      `run \`pulumi up --refresh\` to read the current values and re-apply the program, ` +
      `or set onConflict: "overwrite" to let the program win`,
  );
}
