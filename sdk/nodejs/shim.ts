// The provider objects live with the implementation (provider/shims) because Pulumi stores them
// in state as a `require` of their module path; the SDK only picks the one for a kind.
export { installedShim as providerShim } from "../../provider/shims";
