import { HostileServer, startHostile } from "../helpers/hostile";
import { engineProject, EngineProject } from "./harness";

/** What {@link useHostileProject} gives a test file, once its `beforeAll` has run. */
export interface HostileProject {
  readonly p: EngineProject;
  /** Proxies every request to the project's emulator until a test sets another mode. */
  readonly hostile: HostileServer;
}

/**
 * An engine project whose Pictory requests go through a hostile server, with `config` (stack
 * config key → value) set on its stack: set up in the test file's `beforeAll`, stopped in its
 * `afterAll`.
 */
export function useHostileProject(
  name: string,
  config: Readonly<Record<string, string>>,
): HostileProject {
  let p: EngineProject | undefined;
  let hostile: HostileServer | undefined;
  beforeAll(async () => {
    p = await engineProject(name);
    hostile = await startHostile({ mode: { kind: "proxy", target: p.emulator.url } });
    await p.stack.setAllConfig({
      "pictory:baseUrl": { value: `${hostile.url}/pictoryapis` },
      ...Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }])),
    });
  });
  afterAll(async () => {
    await hostile?.stop();
    await p?.close();
  });
  return {
    get p() {
      if (!p) throw new Error("useHostileProject: used before its beforeAll ran");
      return p;
    },
    get hostile() {
      if (!hostile) throw new Error("useHostileProject: used before its beforeAll ran");
      return hostile;
    },
  };
}
