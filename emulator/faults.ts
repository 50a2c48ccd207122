import { z } from "zod";
import type { FaultRule, FaultSettings } from "./types";

/** What the fault layer decided for one request; the server carries it out. */
export interface FaultDecision {
  /** Names of the faults applied, for the request log. */
  readonly labels: string[];
  /** Wait before handling. */
  latencyMs: number;
  /** Answer this instead of handling the request. */
  respond?: { readonly status: number; readonly retryAfterSeconds?: number };
  /** Destroy the socket before handling, or after handling instead of answering. */
  drop?: "before" | "after";
  /** Handle, then wait this long before answering. */
  delayAfterMs: number;
  /** Bump the target Pictory connection's version before handling (concurrent writer). */
  bumpVersion: boolean;
  /** Apinizer environments whose deployment must report failure. */
  readonly deployFailures: Set<string>;
}

export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  /** The raw Authorization header; the rate limit's bucket key. Never logged. */
  readonly credential: string;
  /** The request updates a versioned (Pictory) connection, so a concurrent writer can race it. */
  readonly versionedUpdate: boolean;
}

const rate = z.number().min(0).max(1);
const nonNegative = z.number().finite().min(0);

export const faultSettingsSchema = z.strictObject({
  latencyMs: nonNegative.max(60_000).optional(),
  rate429: rate.optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  rate5xx: rate.optional(),
  dropRate: rate.optional(),
  rateLimitPerSecond: z.number().positive().finite().optional(),
  concurrentWriterRate: rate.optional(),
  deployFailures: z.array(z.string().min(1)).optional(),
  seed: z.number().int().optional(),
  match: z
    .strictObject({ method: z.string().min(1).optional(), pathPrefix: z.string().optional() })
    .optional(),
});

/**
 * Longest path glob. Matching costs at most path length x pattern length, and the path is capped by
 * the server (MAX_TARGET_BYTES), so this cap bounds the work per request.
 */
export const PATH_GLOB_MAX = 512;

/**
 * A glob over the raw request path: `*` matches any run of characters (`/` included), everything
 * else matches itself. It starts with `/` or `*` (anything else could never match a path) and uses
 * only characters a raw path can hold (RFC 3986 pchar, `/` and `%`), which also turns away
 * leftover regular expressions (`^`, `\`, `[`, `|`, ...) instead of letting them never match.
 */
const PATH_GLOB = /^[/*][A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

export const faultRuleSchema = z.strictObject({
  method: z.string().min(1).optional(),
  path: z
    .string()
    .max(PATH_GLOB_MAX, { message: `must be at most ${PATH_GLOB_MAX} characters` })
    .regex(PATH_GLOB, {
      message:
        "must be a glob over the request path, not a regular expression: it starts with '/' or " +
        "'*', '*' matches any characters and every other character (from a URL path's set) itself",
    })
    .optional(),
  action: z.enum([
    "status",
    "drop-before",
    "drop-after",
    "delay",
    "bump-version",
    "deploy-failure",
  ]),
  status: z.number().int().min(100).max(599).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  delayMs: nonNegative.max(60_000).optional(),
  environment: z.string().min(1).optional(),
  times: z.number().int().min(1).optional(),
});

/**
 * Compiles a path glob. User regular expressions could backtrack for minutes on one path (the
 * server is single-threaded, so every client would wait); a glob of literal pieces split by `*`
 * needs no backtracking: the pieces between the first and the last are each taken at their
 * leftmost place, which is always the best choice when `*` matches anything.
 */
export function pathGlob(pattern: string): (path: string) => boolean {
  const pieces = pattern.split("*");
  if (pieces.length === 1) {
    return (path) => path === pattern;
  }
  const head = pieces[0] ?? "";
  const tail = pieces[pieces.length - 1] ?? "";
  const middle = pieces.slice(1, -1).filter((piece) => piece !== "");
  return (path) => {
    if (path.length < head.length + tail.length || !path.startsWith(head) || !path.endsWith(tail)) {
      return false;
    }
    const end = path.length - tail.length;
    let at = head.length;
    for (const piece of middle) {
      const found = path.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) {
        return false;
      }
      at = found + piece.length;
    }
    return true;
  };
}

/** mulberry32: tiny, fast and good enough for fault dice; seeded runs are reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

interface QueuedRule {
  readonly rule: FaultRule;
  readonly matches: ((path: string) => boolean) | undefined;
  remaining: number;
}

/** Fault settings, one-shot rules, the PRNG and the per-credential token buckets. */
export class FaultEngine {
  private settings: FaultSettings = {};
  private rules: QueuedRule[] = [];
  private random: () => number = Math.random;
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  current(): FaultSettings {
    return this.settings;
  }

  pending(): readonly FaultRule[] {
    return this.rules.map((q) => ({ ...q.rule, times: q.remaining }));
  }

  /** Replaces all settings; throws a ZodError on invalid input. */
  set(settings: FaultSettings): void {
    const parsed = faultSettingsSchema.parse(settings);
    this.settings = parsed;
    this.random = parsed.seed === undefined ? Math.random : mulberry32(parsed.seed);
    this.buckets.clear();
  }

  /** Adds a one-shot rule; throws a ZodError on invalid input. */
  enqueue(rule: FaultRule): void {
    const parsed = faultRuleSchema.parse(rule);
    this.rules.push({
      rule: parsed,
      matches: parsed.path === undefined ? undefined : pathGlob(parsed.path),
      remaining: parsed.times ?? 1,
    });
  }

  /** Drops every queued one-shot rule; the settings stay. */
  clearRules(): void {
    this.rules = [];
  }

  reset(): void {
    this.settings = {};
    this.rules = [];
    this.random = Math.random;
    this.buckets.clear();
  }

  decide(request: FaultRequest): FaultDecision {
    const decision: FaultDecision = {
      labels: [],
      latencyMs: 0,
      delayAfterMs: 0,
      bumpVersion: false,
      deployFailures: new Set(),
    };
    this.applyRule(request, decision);
    if (this.matches(request)) {
      this.applySettings(request, decision);
    }
    return decision;
  }

  /** The first queued rule that matches is consumed (spec of FaultRule: one-shot). */
  private applyRule(request: FaultRequest, decision: FaultDecision): void {
    const queued = this.rules.find(
      (q) =>
        (q.rule.method === undefined || q.rule.method.toUpperCase() === request.method) &&
        (q.matches === undefined || q.matches(request.path)),
    );
    if (queued === undefined) {
      return;
    }
    queued.remaining -= 1;
    if (queued.remaining <= 0) {
      this.rules = this.rules.filter((q) => q !== queued);
    }
    const { rule } = queued;
    decision.labels.push(`once:${rule.action}`);
    switch (rule.action) {
      case "status": {
        const status = rule.status ?? 500;
        const retryAfterSeconds = rule.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
        decision.respond = { status, retryAfterSeconds };
        break;
      }
      case "drop-before":
        decision.drop = "before";
        break;
      case "drop-after":
        decision.drop = "after";
        break;
      case "delay":
        decision.delayAfterMs = rule.delayMs ?? 1000;
        break;
      case "bump-version":
        decision.bumpVersion = true;
        break;
      case "deploy-failure":
        decision.deployFailures.add(rule.environment ?? "production");
        break;
    }
  }

  private matches(request: FaultRequest): boolean {
    const match = this.settings.match;
    return (
      (match?.method === undefined || match.method.toUpperCase() === request.method) &&
      (match?.pathPrefix === undefined || request.path.startsWith(match.pathPrefix))
    );
  }

  private applySettings(request: FaultRequest, decision: FaultDecision): void {
    const s = this.settings;
    for (const environment of s.deployFailures ?? []) {
      decision.deployFailures.add(environment);
    }
    if ((s.latencyMs ?? 0) > 0) {
      decision.latencyMs = s.latencyMs ?? 0;
      decision.labels.push("latency");
    }
    if (decision.respond !== undefined || decision.drop !== undefined) {
      return; // a one-shot rule already decides the outcome
    }
    const retryAfterSeconds = s.retryAfterSeconds ?? 1;
    if (this.roll(s.dropRate)) {
      decision.drop = "before";
      decision.labels.push("drop");
    } else if (!this.takeToken(request.credential)) {
      decision.respond = { status: 429, retryAfterSeconds: this.secondsUntilToken() };
      decision.labels.push("rate-limit");
    } else if (this.roll(s.rate429)) {
      decision.respond = { status: 429, retryAfterSeconds };
      decision.labels.push("rate429");
    } else if (this.roll(s.rate5xx)) {
      const statuses = [500, 502, 503] as const;
      decision.respond = { status: statuses[Math.floor(this.random() * statuses.length)] ?? 500 };
      decision.labels.push("rate5xx");
    } else if (request.versionedUpdate && this.roll(s.concurrentWriterRate)) {
      decision.bumpVersion = true;
      decision.labels.push("concurrent-writer");
    }
  }

  private roll(probability: number | undefined): boolean {
    return probability !== undefined && probability > 0 && this.random() < probability;
  }

  /** Token bucket per credential: capacity and refill rate are both `rateLimitPerSecond`. */
  private takeToken(credential: string): boolean {
    const limit = this.settings.rateLimitPerSecond;
    if (limit === undefined) {
      return true;
    }
    const now = this.now();
    const bucket = this.buckets.get(credential) ?? { tokens: limit, refilledAt: now };
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.refilledAt) / 1000) * limit);
    bucket.refilledAt = now;
    this.buckets.set(credential, bucket);
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Whole seconds until the next token, at least 1 (Retry-After has second granularity). */
  private secondsUntilToken(): number {
    const limit = this.settings.rateLimitPerSecond ?? 1;
    return Math.max(1, Math.ceil(1 / limit));
  }
}
