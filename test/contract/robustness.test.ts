/**
 * Malformed input at every write endpoint: clear 4xx JSON, never a 500, never a crash; and no
 * secret in the emulator's own log lines (emulator only).
 */
import { connect } from "node:net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import {
  Client,
  EMULATOR_APINIZER_TOKEN,
  EMULATOR_PICTORY_KEY,
  obj,
  type HttpResult,
} from "./harness";

const MAX_BODY = 4096;
const logLines: string[] = [];
let v1: RunningEmulator;
let v2: RunningEmulator;

beforeAll(async () => {
  v1 = await startEmulator({ maxBodyBytes: MAX_BODY, log: (line) => logLines.push(line) });
  v2 = await startEmulator({
    maxBodyBytes: MAX_BODY,
    apinizerEnvelope: "v2",
    log: (line) => logLines.push(line),
  });
});
afterAll(async () => {
  await v1.stop();
  await v2.stop();
});

interface Endpoint {
  readonly label: string;
  readonly method: "POST" | "PUT";
  readonly client: () => Client;
  /** Path of the endpoint; PUT paths address an existing connection. */
  path: string;
  readonly valid: Record<string, unknown>;
  /** Status for an oversized body. */
  readonly tooLarge: number;
}

const pictoryClient = (): Client =>
  new Client(`${v1.url}/pictoryapis`, { authorization: EMULATOR_PICTORY_KEY });
const apinizerClient = (e: () => RunningEmulator) => (): Client =>
  new Client(e().url, { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` });

const awsValid = { name: "robust-aws", awsAccountId: "123456789012", awsRegion: "us-east-1" };
const vimeoValid = {
  name: "robust-vimeo",
  clientIdentifier: "i",
  clientSecret: "LOGLEAK-secret",
  accessToken: "LOGLEAK-token",
};
const emailValid = {
  name: "robust",
  type: "email",
  host: "smtp",
  auth: true,
  username: "u",
  password: "LOGLEAK-pw",
};

const endpoints: Endpoint[] = [
  {
    label: "Pictory AWS create",
    method: "POST",
    client: pictoryClient,
    path: "/v1/awsconnections",
    valid: { ...awsValid, name: "aws-new" },
    tooLarge: 413,
  },
  {
    label: "Pictory AWS update",
    method: "PUT",
    client: pictoryClient,
    path: "",
    // An AWS PUT must carry name and version
    // (docs/api/pictory-aws.md#update-needs-name-and-version).
    valid: { name: "robust-aws", version: 1 },
    tooLarge: 413,
  },
  {
    label: "Pictory Vimeo create",
    method: "POST",
    client: pictoryClient,
    path: "/v1/vimeo-connections",
    valid: { ...vimeoValid, name: "vimeo-new" },
    tooLarge: 413,
  },
  {
    label: "Pictory Vimeo update",
    method: "PUT",
    client: pictoryClient,
    path: "",
    valid: { version: 1 },
    tooLarge: 413,
  },
  {
    label: "Apinizer v1 create",
    method: "POST",
    client: apinizerClient(() => v1),
    path: "/apiops/projects/demo/connections/fresh/",
    valid: { ...emailValid, name: "fresh" },
    tooLarge: 413,
  },
  {
    label: "Apinizer v1 update",
    method: "PUT",
    client: apinizerClient(() => v1),
    path: "/apiops/projects/demo/connections/robust/",
    valid: emailValid,
    tooLarge: 413,
  },
  {
    label: "Apinizer v2 create",
    method: "POST",
    client: apinizerClient(() => v2),
    path: "/apiops/projects/demo/connections/fresh/",
    valid: { ...emailValid, name: "fresh" },
    tooLarge: 400,
  },
  {
    label: "Apinizer v2 update",
    method: "PUT",
    client: apinizerClient(() => v2),
    path: "/apiops/projects/demo/connections/robust/",
    valid: emailValid,
    tooLarge: 400,
  },
];

beforeAll(async () => {
  const pictory = pictoryClient();
  const aws = obj(await pictory.post("/v1/awsconnections", awsValid));
  const vimeo = obj(await pictory.post("/v1/vimeo-connections", vimeoValid));
  (endpoints[1] as Endpoint).path = `/v1/awsconnections/${String(aws.connectionId)}`;
  (endpoints[3] as Endpoint).path = `/v1/vimeo-connections/${String(vimeo.connectionId)}`;
  for (const emulator of [v1, v2]) {
    await apinizerClient(() => emulator)().post(
      "/apiops/projects/demo/connections/robust/",
      emailValid,
    );
  }
});

function expectClientError(response: HttpResult, status?: number): void {
  if (status === undefined) {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  } else {
    expect(response.status).toBe(status);
  }
  expect(String(response.headers["content-type"])).toMatch(/^application\/json/);
  expect(response.json).toBeDefined();
}

const JSON_HEADERS = { "content-type": "application/json" };

describe.each(endpoints.map((e) => [e.label, e] as const))("%s", (_label, endpoint) => {
  const send = (
    raw: string | Buffer,
    headers: Record<string, string> = JSON_HEADERS,
  ): Promise<HttpResult> =>
    endpoint.client().call(endpoint.method, endpoint.path, { raw, headers });

  it("rejects malformed JSON with 400", async () => {
    expectClientError(await send('{"name": "x",'), 400);
    expectClientError(await send("{'single': 'quotes'}"), 400);
  });

  it("rejects an empty body with 400", async () => {
    expectClientError(await send(""), 400);
  });

  it.each([
    ["an array", "[1,2]"],
    ["a string", '"text"'],
    ["null", "null"],
    ["a number", "42"],
  ])("rejects %s instead of an object with 400", async (_what, raw) => {
    expectClientError(await send(raw), 400);
  });

  it("rejects a missing or non-JSON content type with 400", async () => {
    const raw = JSON.stringify(endpoint.valid);
    expectClientError(await send(raw, {}), 400);
    expectClientError(await send(raw, { "content-type": "text/plain" }), 400);
    expectClientError(
      await send(raw, { "content-type": "application/x-www-form-urlencoded" }),
      400,
    );
  });

  it(`rejects a body over maxBodyBytes with ${endpoint.tooLarge}`, async () => {
    const raw = JSON.stringify({ ...endpoint.valid, description: "x".repeat(MAX_BODY * 4) });
    expectClientError(await send(raw), endpoint.tooLarge);
  });

  it("rejects a 100,000-deep nested array without crashing", async () => {
    expectClientError(await send(`${"[".repeat(100_000)}${"]".repeat(100_000)}`));
  });

  it("rejects invalid UTF-8 and binary garbage", async () => {
    expectClientError(await send(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x80])));
  });

  it("rejects wrong field types with 4xx naming the field", async () => {
    const response = await send(JSON.stringify({ ...endpoint.valid, name: { nested: true } }));
    expectClientError(response, 400);
    expect(response.text).toContain("name");
  });

  it("accepts application/json with a charset parameter", async () => {
    const response = await send(JSON.stringify(endpoint.valid), {
      "content-type": "Application/JSON; charset=utf-8",
    });
    expect(response.status).toBe(200);
  });
});

describe("routing", () => {
  it("answers unknown paths with 404 JSON", async () => {
    for (const path of [
      "/",
      "/pictoryapis/v2/awsconnections",
      "/pictoryapis/v1/awsconnections/",
      "/apiops/nope/",
    ]) {
      expectClientError(await new Client(v1.url).get(path), 404);
    }
  });

  it("answers unsupported methods with 405 JSON", async () => {
    const pictory = pictoryClient();
    expectClientError(await pictory.call("PATCH", "/v1/awsconnections"), 405);
    expectClientError(await pictory.call("DELETE", "/v1/vimeo-connections"), 405);
    expectClientError(
      await apinizerClient(() => v1)().call("PATCH", "/apiops/projects/demo/connections/x/"),
      405,
    );
  });

  it("rejects a broken percent-encoding in an Apinizer name with 400", async () => {
    expectClientError(
      await apinizerClient(() => v1)().get("/apiops/projects/demo/connections/%E0%A4%A/"),
      400,
    );
  });

  it("rejects a broken nextPageKey with 400", async () => {
    expectClientError(
      await pictoryClient().get("/v1/awsconnections?nextPageKey=%%%not-base64"),
      400,
    );
  });
});

describe("clients that misbehave on the wire", () => {
  it("ignores a request whose client disconnects mid-body", async () => {
    const before = (await pictoryClient().get("/v1/awsconnections")).text;
    await new Promise<void>((done) => {
      const socket = connect(v1.port, "127.0.0.1", () => {
        const json = JSON.stringify({ ...awsValid, name: "half-sent" });
        socket.write(
          `POST /pictoryapis/v1/awsconnections HTTP/1.1\r\nhost: x\r\nauthorization: ${EMULATOR_PICTORY_KEY}\r\n` +
            `content-type: application/json\r\ncontent-length: ${json.length + 50}\r\n\r\n${json}`,
        );
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on("close", () => done());
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await pictoryClient().get("/v1/awsconnections")).text).toBe(before);
  });
});

describe("after all of that", () => {
  it("is still alive and never answered 500", async () => {
    const health = await new Client(v1.url).get("/apiops/test/healthcheck");
    expect(health.status).toBe(200);
    for (const emulator of [v1, v2]) {
      expect(emulator.requests().filter((e) => e.status >= 500)).toEqual([]);
    }
  });

  it("never wrote a secret, a key, a token or a body to its log", () => {
    expect(logLines.length).toBeGreaterThan(50);
    for (const line of logLines) {
      expect(line).not.toMatch(/LOGLEAK|pictai_|apinizer_emulator_token|robust-vimeo/);
    }
  });
});
