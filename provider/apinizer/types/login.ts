import { Condition, FieldSet } from "../../core/fields";

/**
 * A user name and its password, both required once `when` holds: the shape of most types' login.
 * The keys differ per type (`username`, `elasticUsername`, `connectionFactoryUsername`), so they are
 * arguments; object order is kept, so the fields stand where the spread stands.
 */
export function login(
  when: Condition,
  user = "username",
  password = "password",
  options: { readonly maskedOnRead?: boolean } = {},
): FieldSet {
  return {
    [user]: { kind: "string", requiredWhen: when },
    [password]: { kind: "string", secret: true, requiredWhen: when, ...options },
  };
}
