/**
 * What the masking tests share: the runs of a secret a text still shows, and a drift report with
 * one drifted field, as `pulumi-connections drift` builds it, to redact and render.
 */
import { renderJson, renderMarkdown, renderText } from "../../cli/drift/render";
import type { DriftReport } from "../../cli/drift/report";
import { ConnectionError } from "../../provider/core/errors";
import type { HttpClient, HttpResponse } from "../../provider/core/http";
import type { ApiCall, ResourceKind } from "../../provider/core/kind";
import type { ProviderRuntime } from "../../provider/core/runtime";
import { MASK } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";

/** The runs of six characters of `secret` (or a shorter secret whole) shown outside a mask. */
export function shownRuns(text: string, secret: string): string[] {
  const pieces = text.split(MASK);
  const out: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i++) {
    const run = secret.slice(i, i + 6);
    if (pieces.some((p) => p.includes(run))) out.push(run);
  }
  if (secret.length < 6 && pieces.some((p) => p.includes(secret))) out.push(secret);
  return out;
}

/** One drifted field of an Apinizer connection `alerts`. */
export interface Drift {
  /** @default "dev" */
  readonly stack?: string;
  /** @default "description" */
  readonly field?: string;
  /** @default "mail alerts" */
  readonly old?: unknown;
  readonly new: unknown;
}

/** A report of one stack whose one connection drifted in one field. */
export function reportDrifting({
  stack = "dev",
  field = "description",
  old = "mail alerts",
  new: now,
}: Drift): DriftReport {
  return {
    stack,
    clean: false,
    failed: false,
    checked: 1,
    drifted: [
      {
        resource: "alerts",
        type: "apinizer:Connection",
        urn: `urn:pulumi:${stack}::proj::pulumi-nodejs:dynamic/apinizer:Connection::alerts`,
        id: "alerts",
        fields: [{ field, old: old as never, new: now as never }],
        possibleCredentialChange: false,
      },
    ],
    deleted: [],
    unreadable: [],
    read: [],
    notCompared: {},
    remediation: `pulumi up --refresh --stack ${stack}`,
  };
}

/** A report whose drifted description now reads `value`. */
export const reportQuoting = (value: string): DriftReport => reportDrifting({ new: value });

/** Every format the drift report prints. */
export const RENDERERS = [
  ["text", (r: DriftReport) => renderText(r)],
  ["json", (r: DriftReport) => renderJson(r)],
  ["markdown", (r: DriftReport) => renderMarkdown(r)],
] as const;

/** An answer sent as JSON. */
export function jsonAnswer(status: number, body: unknown): HttpResponse {
  const text = JSON.stringify(body);
  return {
    status,
    body: JSON.parse(text),
    json: true,
    text,
    bytes: Buffer.byteLength(text),
    contentType: "application/json",
    attempts: 1,
  };
}

/**
 * The message a create of `kind` fails with when the API answers `res`, built by the family's
 * own code over a transport that answers at once.
 */
export async function createMessage(
  runtime: ProviderRuntime,
  kind: ResourceKind,
  res: HttpResponse,
  secrets: string[],
  inputs: Record<string, unknown>,
): Promise<string> {
  const { call } = runtime.client(kind.family);
  const apiCall: ApiCall = {
    ...call,
    kind,
    http: { send: () => Promise.resolve(res) } as unknown as HttpClient,
    label: `${kind.token} "${String(inputs.name)}"`,
    deadline: {
      signal: new AbortController().signal,
      ms: 1000,
      setting: "connections:operationTimeoutMs",
      cancelled: () => false,
    },
    secrets,
  };
  try {
    await kind.api.create(apiCall, inputs, inputs);
  } catch (e) {
    if (ConnectionError.isInstance(e)) return e.message;
    throw e;
  }
  throw new Error("the create did not fail");
}

/** The message an Apinizer create fails with when the API answers 400 with `description`. */
export const apinizerMessage = (
  runtime: ProviderRuntime,
  description: string,
  secrets: string[] = [],
): Promise<string> =>
  createMessage(
    runtime,
    KINDS.get("apinizer:Connection")!,
    jsonAnswer(400, { error: "bad_request", error_description: description }),
    secrets,
    { name: "db", projectName: "proj", type: "database" },
  );
