import { ConnectionApiError, ConnectionNameConflictError } from "../core/errors";
import { HttpResponse } from "../core/http";
import { ApiCall, ConnectionApi, Props, Remote } from "../core/kind";

/**
 * Apinizer's connection protocol (spec C.2): addressed by project and name, no server ID and no
 * version (C.5), trailing slashes required (C.1), and two envelope generations (C.3) that we both
 * accept: `{success}` + `{error, error_description}` (v1) and `{status}` + `{resultMessage}` (v2).
 */
export function apinizerApi(fields: () => readonly string[]): ConnectionApi {
  const headers = (call: ApiCall) => ({ authorization: `Bearer ${call.family.credential}` });
  const path = (project: unknown, name: unknown) =>
    `/projects/${encodeURIComponent(String(project))}/connections/${encodeURIComponent(String(name))}/`;

  const toRemote = (
    project: unknown,
    item: Record<string, unknown>,
    computed: Props = {},
  ): Remote => {
    const out: Record<string, unknown> = {};
    for (const f of fields()) if (f in item) out[f] = item[f];
    out.projectName = project;
    // The ID is the project and the name at creation; operations address the connection by the
    // name in state, so a rename (which keeps the ID) still reaches it.
    return { id: `${String(project)}/${String(item.name)}`, fields: out, computed };
  };

  const getByName = async (
    call: ApiCall,
    project: unknown,
    name: unknown,
  ): Promise<Remote | undefined> => {
    const res = await call.http.send(
      { method: "GET", path: path(project, name), headers: headers(call) },
      true,
    );
    if (isNotFound(res)) return undefined;
    expectOk(call, res, "read the connection");
    const list = (res.body as { resultList?: Record<string, unknown>[] }).resultList ?? [];
    return list[0] ? toRemote(project, list[0]) : undefined;
  };

  const write = async (
    call: ApiCall,
    method: "POST" | "PUT",
    target: string,
    body: Props,
    what: string,
  ) => {
    const { projectName, ...dto } = body;
    void projectName;
    const res = await call.http.send(
      { method, path: target, headers: headers(call), body: dto },
      method === "PUT",
    );
    expectOk(call, res, what);
    return deployment(call, res);
  };

  return {
    async create(call, inputs, body) {
      const written = await write(
        call,
        "POST",
        path(inputs.projectName, inputs.name),
        body,
        "create the connection",
      );
      return withWarning(
        toRemote(inputs.projectName, { ...body }, written.computed),
        written.warning,
      );
    },
    async get(call, ref) {
      const remote = await getByName(call, ref.state.projectName, ref.state.name);
      // A rename keeps the ID (see toRemote), so a refresh after one must not report a new ID.
      return remote && { ...remote, id: ref.id };
    },
    findByName: (call, inputs) => getByName(call, inputs.projectName, inputs.name),
    findById: (call, inputs, id) => getByName(call, inputs.projectName, id),
    async update(call, ref, body) {
      // Spec C.5: PUT to the current name with a different body name renames in place.
      const written = await write(
        call,
        "PUT",
        path(ref.state.projectName, ref.state.name),
        body,
        "update the connection",
      );
      const remote = toRemote(ref.state.projectName, { ...body }, written.computed);
      return withWarning({ ...remote, id: ref.id }, written.warning);
    },
    async delete(call, ref) {
      const res = await call.http.send(
        {
          method: "DELETE",
          path: path(ref.state.projectName, ref.state.name),
          headers: headers(call),
        },
        true,
      );
      if (isNotFound(res)) return;
      expectOk(call, res, "delete the connection");
    },
  };
}

function withWarning(remote: Remote, warning: string | undefined): Remote {
  return warning === undefined ? remote : { ...remote, warning };
}

function message(res: HttpResponse): string {
  const b = (res.body ?? {}) as {
    error_description?: unknown;
    resultMessage?: unknown;
    message?: unknown;
  };
  const m = b.error_description ?? b.resultMessage ?? b.message;
  return typeof m === "string" ? m : typeof res.body === "string" ? res.body.slice(0, 200) : "";
}

/**
 * Spec C.4: an unknown project is "Project 'X' not found" (v1, 404) or "Project (X) is not found!"
 * (v2, 400). Matched on the wording, not on the word "connection" anywhere: a project may well be
 * called "connections-team", and "Connection (name: project-a) was not found!" is no project.
 */
function isProjectMissing(said: string): boolean {
  return /\bproject\b/i.test(said) && /not found/i.test(said) && !/^\s*connection\b/i.test(said);
}

/** Spec C.3: v1 says 404; v2 says 400 with "was not found" / "is not found". */
function isNotFound(res: HttpResponse): boolean {
  const said = message(res);
  if (isProjectMissing(said)) return false;
  if (res.status === 404) return true;
  return res.status === 400 && /connection.*(was|is) not found/i.test(said);
}

function succeeded(res: HttpResponse): boolean {
  const b = (res.body ?? {}) as { success?: unknown; status?: unknown };
  return res.status >= 200 && res.status < 300 && (b.success === true || b.status === "SUCCESS");
}

/**
 * Spec C.3 `deploymentResult`: a failed deployment can come back with HTTP 200. The connection is
 * saved all the same, so this is reported as a warning on the result; the engine applies the
 * `onDeploymentFailure` policy once the connection is safely in state.
 */
function deployment(call: ApiCall, res: HttpResponse): { computed: Props; warning?: string } {
  const result = (res.body as { deploymentResult?: Record<string, unknown> }).deploymentResult;
  if (!result) return { computed: {} };
  if (result.success !== false) return { computed: { deploymentResult: result } };
  const envs = Array.isArray(result.deploymentResults) ? result.deploymentResults : [];
  const failed = envs
    .filter((e) => (e as { success?: unknown }).success === false)
    .map((e) => {
      const env = e as { environmentName?: unknown; message?: unknown };
      return `${String(env.environmentName)} (${String(env.message ?? "no message")})`;
    });
  return {
    computed: { deploymentResult: result },
    warning: `${call.label}: saved, but deploying it to the workers failed in ${failed.join(", ") || "an unnamed environment"}`,
  };
}

function expectOk(call: ApiCall, res: HttpResponse, what: string): void {
  if (succeeded(res)) return;
  const said = message(res);
  const prefix = `${call.label}: could not ${what}: the API answered ${res.status}${said ? ` (${said})` : ""}`;
  if (res.status === 401) {
    throw new ConnectionApiError(
      "UNAUTHORIZED",
      `${prefix}; the token was refused: set a valid one with \`pulumi config set --secret apinizer:token <token>\` or APINIZER_TOKEN`,
      401,
    );
  }
  if (res.status === 403 || /permission/i.test(said)) {
    throw new ConnectionApiError(
      "FORBIDDEN",
      `${prefix}; the token's user needs CONNECTIONS manage rights in the project`,
      res.status,
    );
  }
  if (/already exist/i.test(said)) {
    throw new ConnectionNameConflictError(
      `${prefix}; names are unique per project (case-insensitive): choose another name, or set adopt: true to manage the existing connection`,
      res.status,
    );
  }
  if (isProjectMissing(said)) {
    throw new ConnectionApiError(
      "NOT_FOUND",
      `${prefix}; create the project first or fix projectName`,
      res.status,
    );
  }
  if (/^\s*connection\b.*(was|is) not found/i.test(said)) {
    // Spec C.4: update of an unknown name is 400 in both generations.
    throw new ConnectionApiError(
      "NOT_FOUND",
      `${prefix}; it was deleted outside Pulumi: run \`pulumi refresh\` so that the next \`pulumi up\` creates it again`,
      res.status,
    );
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 429) {
    throw new ConnectionApiError(
      "VALIDATION_FAILED",
      `${prefix}; fix the named field in the program`,
      res.status,
    );
  }
  throw new ConnectionApiError(
    "API_ERROR",
    `${prefix}; the API is unavailable or rate limiting: retry later`,
    res.status,
  );
}
