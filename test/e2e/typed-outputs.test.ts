import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { adminEdit, engineProject, EngineProject } from "./harness";

// A TypeScript program as a user writes it, compiled with the project's strict options against
// the packed package's declarations, then run by the real CLI: each Apinizer type's fields are
// outputs typed by `type` (`mail.host` is an `Output<string>`), hold the API's values, and
// secret fields stay secret.
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..", "..");
const PASSWORD = "e2e-typed-smtp-password-8e7d6c";
const HEADER = "Bearer e2e-typed-hook-token-5b4a39";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { apinizer } from "pulumi-connections";

const cfg = new pulumi.Config();
const mail = new apinizer.Connection("mail", {
  projectName: "demo",
  name: "e2e-typed-mail",
  type: "email",
  host: "smtp.example.com",
  auth: true,
  username: "bot",
  password: cfg.requireSecret("smtp"),
});
const hook = new apinizer.Connection("hook", {
  projectName: "demo",
  name: "e2e-typed-hook",
  type: "webhook",
  fullUrl: "https://hooks.example.com/x",
  httpMethod: "POST",
  headerList: [{ name: "Authorization", value: cfg.requireSecret("hookHeader") }],
});

// Annotated, so that the compiler checks each output's type, not only that it exists.
const host: pulumi.Output<string> = mail.host;
const port: pulumi.Output<number> = mail.port;
const encoding: pulumi.Output<string> = mail.defaultEncoding;
const from: pulumi.Output<string | undefined> = mail.from;
const fullUrl: pulumi.Output<string> = hook.fullUrl;
const method: pulumi.Output<"GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS"> =
  hook.httpMethod;
const timeout: pulumi.Output<number> = hook.timeout;
const type: pulumi.Output<"email"> = mail.type;

export const mailOut = { host, port, encoding, from, type, username: mail.username };
export const mailPassword = mail.password;
export const hookOut = { fullUrl, method, timeout };
export const hookHeaders = hook.headerList;
`;

let p: EngineProject;
const quiet = { onOutput: () => undefined };

beforeAll(async () => {
  p = await engineProject("typed-outputs");
  writeFileSync(path.join(p.dir, "index.ts"), PROGRAM);
  compile(p.dir);
  await p.stack.setAllConfig({
    smtp: { value: PASSWORD, secret: true },
    hookHeader: { value: HEADER, secret: true },
  });
});
afterAll(async () => {
  await p?.close();
});

/** Compiles index.ts; fails with the compiler's diagnostics when an output is missing or typed otherwise. */
function compile(dir: string): void {
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUnusedLocals: true,
        skipLibCheck: true,
        target: "es2022",
        module: "node16",
        types: [],
      },
      files: ["index.ts"],
    }),
  );
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
      { cwd: dir, encoding: "utf8", stdio: "pipe" },
    );
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`the program does not compile:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

test("each type's fields are stack outputs with the values the API holds; secrets stay secret", async () => {
  const up = await p.stack.up(quiet);
  expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
  const outputs = await p.stack.outputs();
  expect(outputs.mailOut).toEqual({
    value: {
      host: "smtp.example.com",
      port: 587,
      encoding: "UTF-8",
      type: "email",
      username: "bot",
    },
    secret: false,
  });
  expect(outputs.hookOut).toEqual({
    value: { fullUrl: "https://hooks.example.com/x", method: "POST", timeout: 2 },
    secret: false,
  });
  expect(outputs.mailPassword!.secret).toBe(true);
  expect(outputs.hookHeaders!.secret).toBe(true);
  const stored = JSON.stringify(p.exportStack());
  expect(stored).not.toContain(PASSWORD);
  expect(stored).not.toContain(HEADER);
});

test("after an out-of-band edit, up --refresh reads the API's value and the outputs follow the program", async () => {
  await adminEdit(p.emulator, "apinizer/demo/e2e-typed-hook", { timeout: 9 });
  const refresh = await p.stack.refresh(quiet);
  expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
  const hook = p.exportStack().resources.find((r) => r.outputs?.name === "e2e-typed-hook")!;
  expect(hook.outputs!.timeout).toBe(9);
  await p.stack.up(quiet);
  expect((await p.stack.outputs()).hookOut!.value.timeout).toBe(2);
});
