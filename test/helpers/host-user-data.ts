/**
 * What a synthesized host runs: its cloud-init, read back from its launch template's
 * `${base64encode("…")}`, and its release (services/host-release.ts), read back from the stack's
 * release objects in S3.
 */
import { parse } from 'yaml';
import { ExampleSynthesis } from './examples';
import { fromTerraformLiteral } from '../../synthesis/terraform-literal';
import { HOST_CONFIG_DIR } from '../../services/compose';
import { RELEASE_PREFIX } from '../../services/host-release';

/** The text inside `${base64encode("…")}`, unescaped the way Terraform reads it. */
export function userDataText(expression: string): string {
  const match = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(expression);
  if (!match) throw new Error(`not a base64encode expression: ${expression.slice(0, 80)}`);
  return match[1].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c)).replace(/%%\{/g, '%{');
}

/** One file of the stack's release (`compose.yaml`, `nginx.conf`…), as Terraform will write it to S3. */
export function releaseFile(examples: Pick<ExampleSynthesis, 'resources'>, stack: string, name: string): string {
  const object = examples.resources(stack, 'aws_s3_object').find((o) => o.key === `${RELEASE_PREFIX}/${name}`);
  if (!object) throw new Error(`${stack}: the release has no ${name}`);
  return fromTerraformLiteral(String(object.content));
}

/** One file a host has, by path: written by its cloud-init, or, under the config directory, by its release. */
export function hostFile(examples: ExampleSynthesis, stack: string, path: string): string {
  const [template] = examples.resources(stack, 'aws_launch_template');
  const config = parse(userDataText(String(template.user_data))) as { write_files: Array<{ path: string; content: string }> };
  const file = config.write_files.find((f) => f.path === path);
  if (file) return file.content;
  if (path.startsWith(`${HOST_CONFIG_DIR}/`)) return releaseFile(examples, stack, path.slice(HOST_CONFIG_DIR.length + 1));
  throw new Error(`${stack}: the host writes no ${path}`);
}
