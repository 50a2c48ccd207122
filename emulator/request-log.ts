import type { RequestLogEntry } from "./types";

/** Bounded in-memory log of API requests; tests count requests with it. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  /** Keeps the newest entries only, so a long-running sandbox does not grow without bound. */
  constructor(private readonly capacity = 100_000) {}

  add(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    this.seq += 1;
    const full: RequestLogEntry = { seq: this.seq, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) {
      this.entries.splice(0, this.entries.length - this.capacity);
    }
    return full;
  }

  list(): readonly RequestLogEntry[] {
    return [...this.entries];
  }

  /** Clears entries; `seq` keeps counting so entries stay distinguishable across clears. */
  clear(): void {
    this.entries = [];
  }
}
