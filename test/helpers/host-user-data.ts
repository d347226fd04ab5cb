/** The cloud-init of a synthesized host, read back from its launch template's `${base64encode("…")}`. */
import { parse } from 'yaml';
import { ExampleSynthesis } from './examples';

/** The text inside `${base64encode("…")}`, unescaped the way Terraform reads it. */
export function userDataText(expression: string): string {
  const match = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(expression);
  if (!match) throw new Error(`not a base64encode expression: ${expression.slice(0, 80)}`);
  return match[1].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c)).replace(/%%\{/g, '%{');
}

/** One written file of a host's cloud-init, by path. */
export function hostFile(examples: ExampleSynthesis, stack: string, path: string): string {
  const [template] = examples.resources(stack, 'aws_launch_template');
  const config = parse(userDataText(String(template.user_data))) as { write_files: Array<{ path: string; content: string }> };
  const file = config.write_files.find((f) => f.path === path);
  if (!file) throw new Error(`${stack}: the host writes no ${path}`);
  return file.content;
}
