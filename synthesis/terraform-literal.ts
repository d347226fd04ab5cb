/** Strings that reach Terraform verbatim: escaped by the constructs, read back by the rules and tests. */

/**
 * Escapes `text` so Terraform keeps it as it is: in Terraform's JSON syntax every string is a
 * template, so `${` and `%{` (common in bundled JavaScript) would be read as interpolation.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Every key and value of `record` through terraformLiteral (tags, labels, environment variables from a user's file). */
export function terraformLiterals(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [terraformLiteral(key), terraformLiteral(value)]));
}

/**
 * Escapes `text` for a docker compose file: compose reads `$NAME` and `${NAME}` from the host's
 * environment, and `$$` is its literal dollar. The compose file then goes through Terraform inside
 * user_data, a function argument (stacks/host-services.ts asTerraformString escapes it there).
 */
export function composeLiteral(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** The inverse of `terraformLiteral`: what Terraform will send. */
export function fromTerraformLiteral(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}
