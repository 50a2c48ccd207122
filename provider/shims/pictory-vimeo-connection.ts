// Stored by path in the state of every pictory:VimeoConnection resource (see ./shim.ts): never rename or move.
import { providerShim } from "./shim";

export = providerShim("pictory:VimeoConnection");
