/**
 * Per-family fixtures for the Pictory contract cases (docs/api/pictory-aws.md,
 * docs/api/pictory-vimeo.md).
 */
import { obj, uniqueName, type HttpResult, type PictoryTarget } from "./harness";

export interface FamilyFixture {
  readonly label: "aws" | "vimeo";
  readonly segment: "awsconnections" | "vimeo-connections";
  readonly type: "AWS" | "VIMEO";
  /** A valid create body with a unique name. */
  validBody(label: string): Record<string, unknown>;
  /**
   * Fields required on create besides `name` (docs/api/pictory-vimeo.md#name-rules, applied to AWS
   * as well).
   */
  readonly required: readonly string[];
  /**
   * Fields a PUT must carry besides `version`: AWS `name` (the AWS update page: "Ensure both name
   * and version fields are included", docs/api/pictory-aws.md#update-needs-name-and-version). The
   * Vimeo update page requires only `version`.
   */
  readonly requiredOnUpdate: readonly string[];
  /**
   * Write-only fields, never in any response
   * (docs/api/pictory-vimeo.md#secrets-are-never-returned).
   */
  readonly secrets: readonly string[];
  /**
   * Keys of the create response, which has no `type` and no dates
   * (docs/api/pictory-vimeo.md#ids-and-dates).
   */
  readonly createKeys: readonly string[];
  /**
   * Vimeo answers a PUT with the full object, AWS with the create shape
   * (docs/api/pictory-aws.md#endpoints).
   */
  readonly updateIsFull: boolean;
  /**
   * AWS delete of an unknown id is 404 (docs/api/pictory-aws.md#not-found); Vimeo's is idempotent
   * (docs/api/pictory-vimeo.md#delete-is-idempotent).
   */
  readonly deleteUnknownStatus: 204 | 404;
}

/** Secret values are distinctive so a leak is found by a plain substring search. */
export const SECRET_MARK = "SeCrEt-MaRk";

export const AWS: FamilyFixture = {
  label: "aws",
  segment: "awsconnections",
  type: "AWS",
  validBody: (label) => ({
    name: uniqueName(label),
    description: "contract test connection",
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
    enabled: true,
  }),
  required: ["awsAccountId", "awsRegion"],
  requiredOnUpdate: ["name"],
  secrets: [],
  createKeys: [
    "enabled",
    "name",
    "description",
    "awsAccountId",
    "awsRegion",
    "connectionId",
    "version",
  ],
  updateIsFull: false,
  deleteUnknownStatus: 404,
};

export const VIMEO: FamilyFixture = {
  label: "vimeo",
  segment: "vimeo-connections",
  type: "VIMEO",
  validBody: (label) => ({
    name: uniqueName(label),
    description: "contract test connection",
    enabled: true,
    clientIdentifier: "contract_client_id",
    clientSecret: `${SECRET_MARK}-client-secret-${label}`,
    accessToken: `${SECRET_MARK}-access-token-${label}`,
  }),
  required: ["clientIdentifier", "clientSecret", "accessToken"],
  requiredOnUpdate: [],
  secrets: ["clientSecret", "accessToken"],
  createKeys: ["name", "description", "enabled", "clientIdentifier", "connectionId", "version"],
  updateIsFull: true,
  deleteUnknownStatus: 204,
};

export const FAMILIES: readonly FamilyFixture[] = [AWS, VIMEO];

/** docs/api/pictory-vimeo.md#ids-and-dates. */
export const ID_PATTERN = /^\d{17}[a-z0-9]{15,16}$/;
/** docs/api/pictory-vimeo.md#ids-and-dates: ISO-8601 UTC with milliseconds and Z. */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A PUT body: `changes` plus the current values of the fields the family requires on update
 * (`requiredOnUpdate`), so that a case about something else is not refused for a missing name.
 */
export function putBody(
  family: FamilyFixture,
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of family.requiredOnUpdate) {
    body[field] = current[field];
  }
  return { ...body, ...changes };
}

/** Creates a connection, registers it for cleanup, and returns the create response body. */
export async function createConnection(
  t: PictoryTarget,
  family: FamilyFixture,
  overrides: Record<string, unknown> = {},
  label = "c",
): Promise<Record<string, unknown>> {
  const response = await t.client.post(`/v1/${family.segment}`, {
    ...family.validBody(label),
    ...overrides,
  });
  if (response.status !== 200) {
    throw new Error(`create failed with ${response.status}: ${response.text}`);
  }
  const body = obj(response);
  t.track(family.segment, String(body.connectionId));
  return body;
}

/** Every item of a list, following `nextPageKey` (docs/api/pictory-vimeo.md#lists). */
export async function listAll(
  t: PictoryTarget,
  family: FamilyFixture,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const query = next === undefined ? "" : `?nextPageKey=${encodeURIComponent(next)}`;
    const body = obj(await t.client.get(`/v1/${family.segment}${query}`));
    items.push(...(body.Items as Record<string, unknown>[]));
    next = body.nextPageKey as string | undefined;
    if (next === undefined) {
      return items;
    }
  }
  throw new Error("list did not end after 1000 pages");
}

/** The Pictory validation body names the field (docs/api/pictory-vimeo.md#validation-errors). */
export function expectFieldError(response: HttpResult, field: string): void {
  expect(response.status).toBe(400);
  const body = obj(response);
  expect(body.code).toBe("INVALID_REQUEST_BODY");
  expect(typeof body.message).toBe("string");
  const names = (body.fields as { name: string }[]).map((f) => f.name);
  expect(names).toContain(field);
}
