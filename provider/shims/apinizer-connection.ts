// Stored by path in the state of every apinizer:Connection resource (see ./shim.ts): never rename or move.
import { providerShim } from "./shim";

export = providerShim("apinizer:Connection");
