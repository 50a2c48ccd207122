/**
 * A backend URL whose shown option (`endpoint`) carries user info, through
 * `secretsOf(env, backendUrl)` into `redactReport` and the renderers.
 *
 * Promise 2: the drift reports mask "the backend URL's password and query credentials, in the
 * same forms" (a short one where it stands as a word), and ordinary text stays readable.
 *
 * Break: `urlCredentials` does not read a URL inside an option's value: for
 * `s3://state?endpoint=http://u:Pw1x9@minio:9000` its secrets are the whole value and `//u:Pw1x9`,
 * never the password `Pw1x9`. So (a) the password, standing as a word in a report field, is
 * shown (the same password in `postgres://u:Pw1x9@db` is masked), and (b) every `http://` in the
 * report is masked, as a run of the whole value: `http://api.example.com/hooks` is printed
 * `[secret]api.example.com/hooks`.
 */
import { redactReport, secretsOf } from "../../cli/shared/redaction";
import { RENDERERS, reportDrifting } from "../helpers/masking";

const reportWith = (old: string, now: string) => reportDrifting({ field: "url", old, new: now });

const report = (backend: string) =>
  redactReport(
    reportWith("http://api.example.com/hooks", "login as u with Pw1x9 failed"),
    secretsOf({}, backend),
  );

describe("an endpoint with user info in PULUMI_BACKEND_URL", () => {
  it.each(RENDERERS)(
    "%s: a password in the backend URL's user info is masked (holds)",
    (_n, render) => {
      expect(render(report("postgres://u:Pw1x9@db/state"))).not.toContain("Pw1x9");
    },
  );

  it.each(RENDERERS)("%s: the endpoint's password is masked", (_n, render) => {
    expect(render(report("s3://state?endpoint=http://u:Pw1x9@minio:9000"))).not.toContain("Pw1x9");
  });

  it.each(RENDERERS)("%s: an unrelated http:// URL stays readable", (_n, render) => {
    expect(render(report("s3://state?endpoint=http://u:Pw1x9@minio:9000"))).toContain(
      "http://api.example.com/hooks",
    );
  });
});
