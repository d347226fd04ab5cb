/**
 * The base of every Stagecraft stack: a TerraformStack whose cross-stack outputs have names a
 * reviewer can read. cdktf names the output it creates for a value another stack reads
 * `cross-stack-output-<type><logical id><attribute>` (e.g.
 * `cross-stack-output-aws_eks_clustereks_cluster_55B0C966certificate_authority0data`); here it is
 * `shared_<resource>_<attribute>` (`shared_eks_cluster_certificate_authority_data`): the
 * resource's logical name without its hash, and the attribute without list indexes.
 */
import { ref, TerraformOutput, TerraformStack } from 'cdktf';

/** The readable output name for a cross-stack reference `type.name.attr[0].attr`. */
export function crossStackOutputName(identifier: string): string {
  const [, name = '', ...attribute] = identifier.split(/[.[\]]+/).filter((part) => part !== '');
  const resource = name.replace(/_[0-9A-F]{8}$/, '');
  const path = attribute.filter((part) => !/^\d+$/.test(part));
  return ['shared', resource, ...path].join('_').replace(/[^A-Za-z0-9_-]/g, '_');
}

export class StagecraftStack extends TerraformStack {
  private readonly sharedOutputs = new Map<string, TerraformOutput>();
  private readonly sharedNames = new Set<string>();

  /** cdktf calls this when another stack reads `identifier`; the output gets a readable name. */
  override registerOutgoingCrossStackReference(identifier: string): TerraformOutput {
    const existing = this.sharedOutputs.get(identifier);
    if (existing) return existing;
    let name = crossStackOutputName(identifier);
    // Two resources with the same name and different types (rare): the type tells them apart.
    if (this.sharedNames.has(name)) name = `${name}_${identifier.split('.')[0]}`;
    this.sharedNames.add(name);
    const output = new TerraformOutput(this, name, { value: ref(identifier, this), sensitive: true });
    this.sharedOutputs.set(identifier, output);
    return output;
  }
}
