/**
 * The drift report's environment secrets taken from the backend URL (`secretsOf(env, backendUrl)`,
 * as `pulumi-connections drift` and `--all-stacks` call it with PULUMI_BACKEND_URL), masked by
 * `redactReport` and printed by the renderers.
 *
 * Promise 2: ordinary text stays readable: a stack name, a URL without credentials, the word
 * `true` are not masked. The docs say the reports mask "the backend URL's password and query
 * credentials". But `urlCredentials` takes EVERY query value of the backend URL but the few
 * libpq options (`sslmode`, `region`, `table`, …) as a secret, so the options the Pulumi docs
 * put in an S3 backend URL (`awssdk=v2`, `profile=dev`, `endpoint=http://minio:9000`,
 * `s3ForcePathStyle=true`: none a credential) become secrets, and the report masks the stack
 * name, the remediation command's `--stack` value, an API path's `v2`, every `http://` and every
 * `"true"`.
 *
 * Counterexamples:
 * - PULUMI_BACKEND_URL=`s3://pulumi-state-prod?region=eu-west-1&awssdk=v2&profile=dev`, stack
 *   `dev`: the report prints `"stack": "[secret]"`, `urn:pulumi:[secret]::proj::…`, remediation
 *   `pulumi up --refresh --stack [secret]`, and a field `https://api.example.com/v2/hooks` as
 *   `https://api.example.com/[secret]/hooks`.
 * - PULUMI_BACKEND_URL=`s3://state?region=us-east-1&endpoint=http://minio.internal:9000&s3ForcePathStyle=true`:
 *   a field `http://api.example.com:9000/hooks` is printed `[secret]api.example.com:9000/hooks`
 *   and a map value `{"enabled": "true"}` as `{"enabled": "[secret]"}`.
 */
import { redactReport, secretsOf } from "../../cli/shared/redaction";
import { MASK } from "../../provider/core/secrets";
import { RENDERERS, reportDrifting } from "../helpers/masking";

const reportWith = (stack: string, old: unknown, now: unknown) =>
  reportDrifting({ stack, field: "url", old, new: now });

describe("an S3 backend URL's options, as the Pulumi docs write them", () => {
  const backend = "s3://pulumi-state-prod?region=eu-west-1&awssdk=v2&profile=dev";

  it("are not credentials: no secret is taken from them", () => {
    expect(secretsOf({}, backend)).toEqual([]);
  });

  it.each(RENDERERS)("%s: the stack name and the advised command stay readable", (_n, render) => {
    const report = reportWith(
      "dev",
      "https://api.example.com/v2/hooks",
      "https://api.example.com/v3/hooks",
    );
    const out = render(redactReport(report, secretsOf({}, backend)));
    expect(out).toContain("pulumi up --refresh --stack dev");
    expect(out).toContain("https://api.example.com/v2/hooks");
    expect(out).not.toContain(MASK);
  });
});

describe("an S3-compatible (MinIO) backend URL's endpoint", () => {
  const backend =
    "s3://state?region=us-east-1&endpoint=http://minio.internal:9000&s3ForcePathStyle=true";

  it.each(RENDERERS)("%s: URLs and the word true stay readable", (_n, render) => {
    const report = reportWith("prod", "http://api.example.com:9000/hooks", { enabled: "true" });
    const out = render(redactReport(report, secretsOf({}, backend)));
    expect(out).toContain("http://api.example.com:9000/hooks");
    expect(out).not.toContain(MASK);
  });
});

// What held: the backend URL's real credentials are still secrets.
describe("a PostgreSQL backend URL's password", () => {
  it("is a secret of the report", () => {
    const backend = "postgres://pulumi:Pg-St4te-Pw@db.internal:5432/pulumi?sslmode=require";
    expect(secretsOf({}, backend)).toContain("Pg-St4te-Pw");
  });
});
