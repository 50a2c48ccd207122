import { createServer, Server } from "node:http";
import { DEFAULT_HTTP_OPTIONS, Deadline, HttpClient } from "../../provider/core/http";

// connections:maxInFlight is HttpClient's own bound, not only the pool's `connections`: a request
// waiting for a slot has not been sent, so its attempt deadline (requestTimeoutMs) has not started.

let server: Server;
let url: string;
let inFlight = 0;
let most = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    most = Math.max(most, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.end("{}");
    }, 300);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const deadline: Deadline = {
  signal: new AbortController().signal,
  ms: 60_000,
  setting: "test",
  cancelled: () => false,
};

it("holds requests beyond maxInFlight unsent, and the wait does not count against an attempt", async () => {
  const client = new HttpClient(url, {
    ...DEFAULT_HTTP_OPTIONS,
    maxInFlight: 2,
    maxRetries: 0,
    // Each answer takes 300 ms: the last of ten requests waits 1.2 s for its slot, longer than
    // an attempt may take, while each attempt itself takes about 300 ms.
    requestTimeoutMs: 1000,
  });
  try {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.send({ method: "GET", path: "/x", headers: {} }, true, deadline),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(most).toBe(2);
  } finally {
    await client.close();
  }
});
