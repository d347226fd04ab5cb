/** Strings that reach Terraform verbatim. */

/**
 * Escapes `text` so Terraform keeps it as it is: in Terraform's JSON syntax every string is a
 * template, so `${` and `%{` (common in bundled JavaScript) would be read as interpolation.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** The inverse of `terraformLiteral`: what Terraform will send. */
export function fromTerraformLiteral(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}
