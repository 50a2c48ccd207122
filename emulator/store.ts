import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isJsonObject, type JsonObject, type JsonValue } from "./http";
import type { PictoryAccessRules, PictoryFamilyName, TenantCredentials } from "./types";

export type PictoryFamilyId = PictoryFamilyName;

/**
 * A stored Pictory connection. The string fields of the family declaration (name, description,
 * account, credentials, secrets included) live in `fields`; an unset description is absent, not ""
 * (docs/api/pictory-vimeo.md#optional-fields).
 */
export interface PictoryRecord {
  connectionId: string;
  enabled: boolean;
  version: number;
  createdDate: string;
  updatedDate: string;
  fields: Record<string, string>;
}

/**
 * Apinizer connections of one project, keyed by lower-cased name (names match case-insensitively,
 * docs/api/apinizer.md#names).
 */
export type ApinizerProject = Map<string, JsonObject>;

/** Keystore names of one project, matched exactly (how Apinizer compares them is undocumented). */
export type KeystoreNames = Set<string>;

/** A tenant's live Pictory access rules (see PictoryAccessRules in types.ts). */
export interface PictoryAccess {
  forbiddenIds: Set<string>;
  othersForbidden: boolean;
}

export interface Tenant {
  /** "default" for the first tenant, "tenant-<n>" for extra ones; never a credential. */
  readonly label: string;
  readonly pictoryApiKey?: string;
  readonly apinizerToken?: string;
  readonly apinizerReadOnlyToken?: string;
  readonly pictory: Readonly<Record<PictoryFamilyId, Map<string, PictoryRecord>>>;
  readonly apinizer: Map<string, ApinizerProject>;
  /**
   * Keystores per project (Kafka `keyStoreName` / `trustStoreName` must name one,
   * docs/api/apinizer.md#kafka-keystores).
   */
  readonly apinizerKeystores: Map<string, KeystoreNames>;
  readonly pictoryAccess: PictoryAccess;
}

/** Configuration that `clear()` restores: what the options set up, not what tests added later. */
interface Seed {
  readonly keystores: Readonly<Record<string, readonly string[]>>;
  readonly access: readonly (PictoryAccessRules | undefined)[];
}

interface PersistedFile {
  format: 1;
  pictory: Record<string, Record<PictoryFamilyId, PictoryRecord[]>>;
  apinizer: Record<string, Record<string, JsonObject[]>>;
  /** Keystore names per Apinizer token and project; absent in files written before keystores. */
  apinizerKeystores?: Record<string, Record<string, string[]>>;
}

/**
 * The ID a keystore is known by (`keyStoreId` / `trustStoreId` in a Kafka connection, kafka type
 * page). Derived from project and name so that it survives restarts without being stored; shaped
 * like the 24-hex-digit IDs of Apinizer's store.
 */
export function keystoreId(project: string, name: string): string {
  return createHash("sha256").update(`${project}\u0000${name}`, "utf8").digest("hex").slice(0, 24);
}

/**
 * All connections of all tenants, plus optional persistence. Persisted data is keyed by credential
 * so a restart with the same keys finds its data; data of credentials not configured this run is
 * kept untouched in the file.
 */
export class Store {
  readonly tenants: readonly Tenant[];
  private orphans: PersistedFile = emptyFile();

  private readonly seed: Seed;

  constructor(
    credentials: readonly TenantCredentials[],
    projects: readonly string[],
    private readonly dataFile?: string,
    keystores: Readonly<Record<string, readonly string[]>> = {},
  ) {
    this.seed = { keystores, access: credentials.map((c) => c.pictoryAccess) };
    this.tenants = credentials.map((c, i) => ({
      label: i === 0 ? "default" : `tenant-${i}`,
      pictoryApiKey: c.pictoryApiKey,
      apinizerToken: c.apinizerToken,
      apinizerReadOnlyToken: c.apinizerReadOnlyToken,
      pictory: { aws: new Map(), vimeo: new Map() },
      apinizer: new Map(projects.map((p) => [p, new Map()])),
      apinizerKeystores: new Map(),
      pictoryAccess: { forbiddenIds: new Set(), othersForbidden: false },
    }));
    this.tenants.forEach((tenant, i) => this.restoreSeed(tenant, i));
    if (dataFile !== undefined) {
      this.load(dataFile);
    }
  }

  /** Keystores and access rules as the options configured them. */
  private restoreSeed(tenant: Tenant, index: number): void {
    tenant.apinizerKeystores.clear();
    for (const [project, names] of Object.entries(this.seed.keystores)) {
      tenant.apinizerKeystores.set(project, new Set(names));
    }
    const access = this.seed.access[index];
    tenant.pictoryAccess.forbiddenIds = new Set(access?.forbiddenIds ?? []);
    tenant.pictoryAccess.othersForbidden = access?.othersForbidden ?? false;
  }

  /** The tenant other than `self` that holds Pictory connection `id` of `family`, if any. */
  pictoryHolder(family: PictoryFamilyId, id: string, self: Tenant): Tenant | undefined {
    return this.tenants.find((t) => t !== self && t.pictory[family].has(id));
  }

  byPictoryKey(key: string | undefined): Tenant | undefined {
    return key === undefined ? undefined : this.tenants.find((t) => t.pictoryApiKey === key);
  }

  /** The tenant of a full or a view-only Apinizer token. */
  byApinizerToken(token: string | undefined): Tenant | undefined {
    return token === undefined
      ? undefined
      : this.tenants.find((t) => t.apinizerToken === token || t.apinizerReadOnlyToken === token);
  }

  /** Admin `?tenant=` lookup: a Pictory key, an Apinizer token or a tenant label. */
  byCredential(credential: string | undefined): Tenant | undefined {
    if (credential === undefined) {
      return this.tenants[0];
    }
    return (
      this.byPictoryKey(credential) ??
      this.byApinizerToken(credential) ??
      this.tenants.find((t) => t.label === credential)
    );
  }

  /**
   * Removes every connection of every tenant; projects stay, and keystores and Pictory access rules
   * go back to what the options configured.
   */
  clear(): void {
    this.tenants.forEach((tenant, i) => {
      tenant.pictory.aws.clear();
      tenant.pictory.vimeo.clear();
      for (const project of tenant.apinizer.values()) {
        project.clear();
      }
      this.restoreSeed(tenant, i);
    });
    this.commit();
  }

  /** Call after every change; writes the data file atomically (temporary file, then rename). */
  commit(): void {
    if (this.dataFile === undefined) {
      return;
    }
    const file = this.serialise();
    mkdirSync(dirname(this.dataFile), { recursive: true });
    const temporary = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file, null, 1), { mode: 0o600 });
    renameSync(temporary, this.dataFile);
  }

  private serialise(): PersistedFile {
    const file: PersistedFile = {
      format: 1,
      pictory: { ...this.orphans.pictory },
      apinizer: { ...this.orphans.apinizer },
      apinizerKeystores: { ...this.orphans.apinizerKeystores },
    };
    for (const tenant of this.tenants) {
      if (tenant.pictoryApiKey !== undefined) {
        file.pictory[tenant.pictoryApiKey] = {
          aws: [...tenant.pictory.aws.values()],
          vimeo: [...tenant.pictory.vimeo.values()],
        };
      }
      if (tenant.apinizerToken !== undefined) {
        const projects: Record<string, JsonObject[]> = {};
        for (const [name, project] of tenant.apinizer) {
          projects[name] = [...project.values()];
        }
        file.apinizer[tenant.apinizerToken] = projects;
        const keystores: Record<string, string[]> = {};
        for (const [name, names] of tenant.apinizerKeystores) {
          keystores[name] = [...names].sort();
        }
        (file.apinizerKeystores ??= {})[tenant.apinizerToken] = keystores;
      }
    }
    return file;
  }

  private load(dataFile: string): void {
    let text: string;
    try {
      text = readFileSync(dataFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return;
      }
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!isJsonObject(parsed) || parsed.format !== 1) {
      throw new Error(`emulator data file ${dataFile} is not a format-1 emulator state file`);
    }
    const file = parsed as unknown as PersistedFile;
    this.orphans = emptyFile();
    for (const [key, families] of Object.entries(file.pictory ?? {})) {
      const tenant = this.byPictoryKey(key);
      if (tenant === undefined) {
        this.orphans.pictory[key] = families;
        continue;
      }
      for (const family of ["aws", "vimeo"] as const) {
        for (const record of families[family] ?? []) {
          tenant.pictory[family].set(record.connectionId, record);
        }
      }
    }
    for (const [token, projects] of Object.entries(file.apinizer ?? {})) {
      const tenant = this.byApinizerToken(token);
      if (tenant === undefined) {
        this.orphans.apinizer[token] = projects;
        continue;
      }
      for (const [projectName, dtos] of Object.entries(projects)) {
        // A project known only from the data file stays known: it existed when the data was written.
        const project = tenant.apinizer.get(projectName) ?? new Map<string, JsonObject>();
        tenant.apinizer.set(projectName, project);
        for (const dto of dtos) {
          project.set(String(dto.name as JsonValue).toLowerCase(), dto);
        }
      }
    }
    for (const [token, projects] of Object.entries(file.apinizerKeystores ?? {})) {
      const tenant = this.byApinizerToken(token);
      if (tenant === undefined) {
        (this.orphans.apinizerKeystores ??= {})[token] = projects;
        continue;
      }
      for (const [projectName, names] of Object.entries(projects)) {
        const known = tenant.apinizerKeystores.get(projectName) ?? new Set<string>();
        tenant.apinizerKeystores.set(projectName, known);
        for (const name of names) {
          known.add(name);
        }
      }
    }
  }
}

function emptyFile(): PersistedFile {
  return { format: 1, pictory: {}, apinizer: {}, apinizerKeystores: {} };
}
