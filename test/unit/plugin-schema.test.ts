/**
 * The native plugins' Pulumi schemas are derived from the declarations: every declared field is
 * a property of the right resource, with its secrecy, replacement and requiredness, and every
 * type reference resolves.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { FamilyName } from "../../provider/core/family";
import { fieldsFor } from "../../provider/core/kind";
import { PROVIDER_SETTINGS } from "../../provider/core/settings";
import { KINDS } from "../../provider/registry";
import { packageSchema, PackageSchema, PLUGIN_VERSION } from "../../provider/plugin/schema";
import {
  nativeFunction,
  nativeResource,
  NATIVE_RESOURCES,
  PACKAGES,
  resourcesOf,
} from "../../provider/plugin/tokens";

const ROOT = path.resolve(__dirname, "..", "..");
const schemas = Object.fromEntries(PACKAGES.map((p) => [p, packageSchema(p)])) as Record<
  FamilyName,
  PackageSchema
>;

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe("native plugin tokens", () => {
  it("give each Pictory kind and each Apinizer type one resource and one lookup", () => {
    expect(resourcesOf("pictory").map((r) => r.token)).toEqual([
      "pictory:index:AwsConnection",
      "pictory:index:VimeoConnection",
    ]);
    const apinizer = KINDS.get("apinizer:Connection")!;
    const types = Object.keys(apinizer.variants!.sets);
    expect(types).toHaveLength(14);
    expect(resourcesOf("apinizer").map((r) => r.variant)).toEqual(types);
    expect(nativeResource("apinizer:index:EmailConnection")).toMatchObject({
      kind: apinizer,
      variant: "email",
      function: "apinizer:index:getEmailConnection",
    });
    expect(nativeResource("apinizer:index:LinuxScriptConnection")?.variant).toBe("linux-script");
    expect(nativeFunction("pictory:index:getVimeoConnection")?.token).toBe(
      "pictory:index:VimeoConnection",
    );
    expect(new Set(NATIVE_RESOURCES.map((r) => r.token)).size).toBe(NATIVE_RESOURCES.length);
  });
});

describe("packageSchema", () => {
  it("carries the npm package's version", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    expect(PLUGIN_VERSION).toBe(pkg.version);
    for (const s of Object.values(schemas)) expect(s.version).toBe(pkg.version);
  });

  it.each(PACKAGES)("%s: every type reference resolves", (pkg) => {
    const s = schemas[pkg];
    for (const ref of refs(s)) {
      if (ref === "pulumi.json#/Any") continue;
      expect(ref).toMatch(/^#\/types\//);
      expect(s.types[ref.slice("#/types/".length)]).toBeDefined();
    }
  });

  it.each(NATIVE_RESOURCES.map((r) => [r.token, r] as const))(
    "%s: its declared fields with secrecy, replacement and requiredness",
    (token, r) => {
      const spec = schemas[r.pkg].resources[token]!;
      const discriminator = r.kind.variants?.field;
      const fields = fieldsFor(r.kind, discriminator ? { [discriminator]: r.variant } : {});
      const wire = Object.keys(fields).filter((k) => !fields[k]!.local && k !== discriminator);
      expect(Object.keys(spec.inputProperties).sort()).toEqual(
        [...wire, "adopt", "onConflict"].sort(),
      );
      for (const k of wire) {
        const f = fields[k]!;
        for (const where of [spec.inputProperties, spec.properties]) {
          expect({ k, secret: where[k]!.secret === true }).toEqual({
            k,
            secret: f.secret === true,
          });
        }
        expect({ k, replaces: spec.inputProperties[k]!.replaceOnChanges === true }).toEqual({
          k,
          replaces: f.replaceOnChange === true,
        });
        expect({ k, required: spec.requiredInputs.includes(k) }).toEqual({
          k,
          required: f.required === true && f.autonamed !== true,
        });
      }
      for (const k of Object.keys(r.kind.outputs)) expect(spec.properties[k]).toBeDefined();
      // Write-only secrets never come back from the API, so the lookup does not offer them.
      const lookup = schemas[r.pkg].functions[r.function]!;
      expect(Object.keys(lookup.inputs.properties)).toEqual([...r.kind.lookupBy]);
      for (const k of wire) {
        expect({ k, offered: k in lookup.outputs.properties }).toEqual({
          k,
          offered: fields[k]!.writeOnly !== true,
        });
      }
    },
  );

  it.each(PACKAGES)(
    "%s: the credential is secret config, and every shared setting is config",
    (pkg) => {
      const s = schemas[pkg];
      const credential = pkg === "pictory" ? "apiKey" : "token";
      expect(s.config.variables[credential]).toMatchObject({ type: "string", secret: true });
      expect(s.provider.inputProperties[credential]).toMatchObject({ secret: true });
      expect(s.provider.properties[credential]).toBeUndefined();
      expect(s.config.variables.baseUrl).toMatchObject({ type: "string" });
      for (const name of Object.keys(PROVIDER_SETTINGS)) {
        expect(s.config.variables[name]).toBeDefined();
        // A schema default would be sent by every SDK and hide the environment's value.
        expect(s.config.variables[name]!.default).toBeUndefined();
      }
      expect(s.language).toMatchObject({
        go: { importBasePath: `github.com/pulumi-connections/pulumi-connections/sdk/go/${pkg}` },
      });
    },
  );
});
