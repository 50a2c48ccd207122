import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** One process as `ps -eo pid,rss,args` shows it. */
interface ProcessRow {
  readonly pid: number;
  readonly rssKiB: number;
  readonly args: string;
}

/**
 * Tracks the peak resident set size of the provider processes that belong to one bench (the
 * Pulumi CLI starts fresh ones per operation) by polling every `intervalMs`: the dynamic
 * provider's, or the native plugins' (one process per package) summed, so both paths are
 * compared by what they hold at once.
 */
export class PeakRssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;
  private sampling: Promise<void> = Promise.resolve();
  private readonly owned = new Map<number, boolean>();

  /**
   * @param marker a string in the environment of the processes to count (the bench's
   *   PULUMI_HOME), so that providers of other Pulumi runs on the same machine are not counted
   */
  public constructor(
    private readonly marker: string,
    private readonly intervalMs = 100,
  ) {}

  public start(): void {
    this.peak = 0;
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, this.intervalMs);
  }

  /** Stops polling and returns the peak RSS in KiB seen since `start` (0 if none ran). */
  public async stop(): Promise<number> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
    return this.peak;
  }

  private async sample(): Promise<void> {
    try {
      let total = 0;
      for (const row of await listProcesses()) {
        if (!isProvider(row.args)) continue;
        if (!this.isOurs(row.pid)) continue;
        total += row.rssKiB;
      }
      this.peak = Math.max(this.peak, total);
    } catch {
      // A process can exit between listing and reading; the next sample sees the rest.
    }
  }

  private isOurs(pid: number): boolean {
    let ours = this.owned.get(pid);
    if (ours === undefined) {
      try {
        ours = readFileSync(`/proc/${pid}/environ`, "latin1").includes(this.marker);
      } catch {
        // Without /proc (not Linux) every provider process counts.
        ours = !existsSync("/proc/self");
      }
      this.owned.set(pid, ours);
    }
    return ours;
  }
}

/**
 * The node process running `@pulumi/pulumi/cmd/dynamic-provider`, not the shell wrapper, or a
 * native plugin's bundle (its launcher `exec`s node, so there is no wrapper left).
 */
function isProvider(args: string): boolean {
  // The wrapper script first runs `node -e "...require.resolve('.../dynamic-provider')"`.
  if (args.includes("dynamic-provider")) return !args.includes("require.resolve");
  return /pulumi-resource-(pictory|apinizer)\.js/.test(args);
}

/**
 * The same rows `ps -eo pid,rss,args` prints. On Linux they are read from /proc directly:
 * spawning ps every 100 ms costs about 30 ms of CPU each time, which on a 2-core machine would
 * perturb the very timings this bench measures.
 */
async function listProcesses(): Promise<ProcessRow[]> {
  if (!existsSync("/proc/self/status")) return psRows();
  const rows: ProcessRow[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "latin1").split("\0").join(" ");
      if (!isProvider(args)) continue;
      const status = readFileSync(`/proc/${entry}/status`, "latin1");
      const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      rows.push({ pid: Number(entry), rssKiB: rss ? Number(rss[1]) : 0, args });
    } catch {
      // Exited while being read.
    }
  }
  return rows;
}

async function psRows(): Promise<ProcessRow[]> {
  const { stdout } = await execFileAsync("ps", ["-eo", "pid=,rss=,args="]);
  return stdout
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), rssKiB: Number(m[2]), args: m[3]! }));
}
