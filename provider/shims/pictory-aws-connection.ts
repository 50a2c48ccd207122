// Stored by path in the state of every pictory:AwsConnection resource (see ./shim.ts): never rename or move.
import { providerShim } from "./shim";

export = providerShim("pictory:AwsConnection");
