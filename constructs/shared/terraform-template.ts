/**
 * Long text that mixes literal text with cdktf tokens (a compose file naming the database's
 * address), for a plain Terraform string argument. cdktf turns each token into a `${…}`
 * interpolation but leaves literal `${` and `%{` as they are, which Terraform would then read as
 * its own template syntax: the literal parts are escaped here, the tokens left to cdktf.
 */
import { terraformLiteral } from '../../synthesis/terraform-literal';

/** A string token as cdktf encodes it inside a string (`${TfToken[TOKEN.12]}`). */
const STRING_TOKEN = /(\$\{TfToken\[[^\]]+\]\})/;

/** `text` with every literal part through terraformLiteral and every token kept. */
export function terraformTemplate(text: string): string {
  return text
    .split(STRING_TOKEN)
    .map((part, i) => (i % 2 === 1 ? part : terraformLiteral(part)))
    .join('');
}
