import type { PictoryFamilyId } from "./store";
import type { RequestFamily } from "./types";

/** One string field of a Pictory connection body. */
export interface PictoryField {
  readonly name: string;
  readonly requiredOnCreate: boolean;
  /**
   * A PUT must carry it, non-empty (AWS `name`, the AWS update page: "Ensure both name and version
   * fields are included"; "name must be a non-empty string (required)").
   */
  readonly requiredOnUpdate?: boolean;
  readonly maxLength: number;
  readonly pattern?: RegExp;
  /** What a valid value looks like, for the 400 `errors` text (never echoes the value). */
  readonly rule: string;
  /** `""` is allowed and clears the field (docs/api/pictory-vimeo.md#partial-updates). */
  readonly clearable?: boolean;
  /** Write-only: never in any response (docs/api/pictory-vimeo.md#secrets-are-never-returned). */
  readonly secret?: boolean;
  /**
   * Fixed at creation and not accepted on PUT at all, not even unchanged: the AWS update page lists
   * "Do NOT include awsRegion or awsAccountId in the request - these fields cannot be changed" as
   * a 400 cause (docs/api/pictory-aws.md#account-and-region-are-fixed).
   */
  readonly immutable?: boolean;
}

/** Everything that differs between the two Pictory families; one engine serves both. */
export interface PictoryFamily {
  readonly id: PictoryFamilyId;
  /** Path segment under `/pictoryapis/v1/`. */
  readonly segment: string;
  /** Constant `type` of get/list objects. */
  readonly type: "AWS" | "VIMEO";
  readonly logFamily: RequestFamily;
  readonly fields: readonly PictoryField[];
  /**
   * Key order of the create response, which has no `type` and no dates
   * (docs/api/pictory-vimeo.md#ids-and-dates).
   */
  readonly createShape: readonly string[];
  /**
   * AWS answers a PUT with the create shape, Vimeo with the full object
   * (docs/api/pictory-aws.md#endpoints, docs/api/pictory-vimeo.md#endpoints).
   */
  readonly updateResponse: "create-shape" | "full";
  /**
   * AWS delete of an unknown id is 404 (docs/api/pictory-aws.md#not-found); Vimeo's is idempotent,
   * 204 (docs/api/pictory-vimeo.md#delete-is-idempotent).
   */
  readonly deleteUnknownStatus: 204 | 404;
}

/**
 * Vimeo's name rules (docs/api/pictory-vimeo.md#name-rules), applied to AWS as well
 * (docs/api/pictory-aws.md#where-the-pages-are-silent).
 */
const NAME: PictoryField = {
  name: "name",
  requiredOnCreate: true,
  maxLength: 100,
  pattern: /^[A-Za-z0-9 _-]{1,100}$/,
  rule: "must be 1 to 100 characters, only letters, digits, spaces, '_' and '-'",
};

const DESCRIPTION: PictoryField = {
  name: "description",
  requiredOnCreate: false,
  maxLength: 250,
  rule: "must be at most 250 characters",
  clearable: true,
};

/**
 * Vimeo credentials are at most 500 characters
 * (docs/api/pictory-vimeo.md#secrets-are-never-returned).
 */
function credential(name: string, secret: boolean): PictoryField {
  return {
    name,
    requiredOnCreate: true,
    maxLength: 500,
    rule: "must be 1 to 500 characters",
    secret,
  };
}

export const PICTORY_AWS: PictoryFamily = {
  id: "aws",
  segment: "awsconnections",
  type: "AWS",
  logFamily: "pictory-aws",
  fields: [
    // An AWS PUT without `name` is 400 (docs/api/pictory-aws.md#update-needs-name-and-version). The
    // Vimeo update page leaves `name` optional.
    { ...NAME, requiredOnUpdate: true },
    DESCRIPTION,
    {
      name: "awsAccountId",
      requiredOnCreate: true,
      maxLength: 12,
      pattern: /^\d{12}$/,
      rule: "must be a 12-digit AWS account id",
      immutable: true,
    },
    {
      name: "awsRegion",
      requiredOnCreate: true,
      maxLength: 30,
      pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
      rule: "must be an AWS region such as us-east-2",
      immutable: true,
    },
  ],
  createShape: [
    "enabled",
    "name",
    "description",
    "awsAccountId",
    "awsRegion",
    "connectionId",
    "version",
  ],
  updateResponse: "create-shape",
  deleteUnknownStatus: 404,
};

export const PICTORY_VIMEO: PictoryFamily = {
  id: "vimeo",
  segment: "vimeo-connections",
  type: "VIMEO",
  logFamily: "pictory-vimeo",
  fields: [
    NAME,
    DESCRIPTION,
    credential("clientIdentifier", false),
    credential("clientSecret", true),
    credential("accessToken", true),
  ],
  createShape: ["name", "description", "enabled", "clientIdentifier", "connectionId", "version"],
  updateResponse: "full",
  deleteUnknownStatus: 204,
};

export const PICTORY_FAMILIES: readonly PictoryFamily[] = [PICTORY_AWS, PICTORY_VIMEO];

export function pictoryFamily(id: PictoryFamilyId): PictoryFamily {
  return id === "aws" ? PICTORY_AWS : PICTORY_VIMEO;
}
