/**
 * Real TLS: the emulator behind an HTTPS front whose certificate a throwaway authority signed.
 * Without that authority the provider must fail with a message naming both ways to trust it;
 * with `connections:caFile` it must work.
 */
import { RunningEmulator, startEmulator } from "../../emulator";
import { KINDS } from "../../provider/registry";
import { ProviderRuntime } from "../../provider/core/runtime";
import { emulatorConfigValues } from "../../scripts/workspace";
import { makeTestPki, startTlsFront, TestPki, TlsFront } from "../helpers/tls";
import { checkAndCreate, expectCode } from "./fixture";

let emulator: RunningEmulator;
let pki: TestPki;
let front: TlsFront;
const runtimes: ProviderRuntime[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  pki = makeTestPki();
  front = await startTlsFront(emulator.url, pki);
});
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  await front.stop();
  await emulator.stop();
  pki.remove();
});

function runtime(extra: Record<string, string>): ProviderRuntime {
  const config: Record<string, string> = {
    ...emulatorConfigValues(front.url),
    "connections:maxRetries": "0",
    "connections:requestTimeoutMs": "5000",
    ...extra,
  };
  const r = new ProviderRuntime(KINDS);
  r.settings.configure({ get: (k) => config[k] });
  runtimes.push(r);
  return r;
}

const aws = { name: "tls-media", awsAccountId: "123456789012", awsRegion: "us-east-2" };

describe("TLS to the API", () => {
  it("fails an untrusted certificate with a message naming connections:caFile and NODE_EXTRA_CA_CERTS", async () => {
    const hooks = runtime({}).hooks("pictory:AwsConnection");
    const err = await expectCode(checkAndCreate(hooks, aws), "NETWORK_ERROR");
    expect(err.message).toContain("TLS certificate was not trusted");
    expect(err.message).toContain("connections:caFile");
    expect(err.message).toContain("NODE_EXTRA_CA_CERTS");
    expect(err.message).toContain(
      'pictory:AwsConnection "tls-media": could not create the connection',
    );
    expect(emulator.requests()).toHaveLength(0);
  });

  it("trusts the authority in connections:caFile, for both families", async () => {
    const r = runtime({ "connections:caFile": pki.caFile });
    const created = await checkAndCreate(r.hooks("pictory:AwsConnection"), aws);
    expect(created.outs).toMatchObject({ ...aws, version: 1 });
    const mail = await checkAndCreate(r.hooks("apinizer:Connection"), {
      projectName: "demo",
      name: "tls-mail",
      type: "email",
      host: "smtp.example.com",
    });
    expect(mail.id).toBe("demo/tls-mail");
  });

  it("rejects a caFile that cannot be read or holds no certificate, naming the setting, never the path", async () => {
    const missing = runtime({ "connections:caFile": `${pki.dir}/missing.pem` });
    const err = await expectCode(
      missing.hooks("pictory:AwsConnection").check({}, aws),
      "CONFIG_INVALID",
    );
    // The setting may hold anything pasted there: its value is described, not quoted.
    expect(err.message).toContain("connections:caFile names a file that cannot be read (ENOENT");
    expect(err.message).not.toContain("missing.pem");
    const notPem = runtime({ "connections:caFile": `${pki.dir}/server.ext` });
    const err2 = await expectCode(
      notPem.hooks("pictory:AwsConnection").check({}, aws),
      "CONFIG_INVALID",
    );
    expect(err2.message).toContain("no PEM certificate");
    expect(err2.message).not.toContain("server.ext");
  });
});
