/**
 * SigV4 for every AWS service but S3 signs the request path URI-encoded twice: a path that already
 * carries percent-encoding (`/v1/clusters/arn%3Aaws%3Akafka…/topics`, MSK's topic API) is signed as
 * `%253A`. curl's `--aws-sigv4` signed the path as sent until curl#17129 (curl#16927), and the AWS
 * CLI image's curl (Amazon Linux 2) is older, so such a request is refused with 403
 * SignatureDoesNotMatch. The kafka-topics Job did that (issue 15): it failed, and
 * `wait_for_completion` failed the apps apply. A path without percent-encoding signs the same
 * either way, so only a script that signs a non-S3 request with curl and percent-encodes is flagged;
 * the AWS CLI (`aws kafka create-topic`) or an SDK signs correctly.
 */
import { ResourceRule } from '../../types';
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { readAll } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';
import { containers, podSpec } from '../helpers';

/** `--aws-sigv4 "aws:amz:<region>:<service>"`: the service curl signs for. */
const SIGV4 = /--aws-sigv4[= ]+["']?aws:amz:[^:"'\s]*:([A-Za-z0-9-]+)/g;
/** A percent-encoded byte written in the script (`%3A`), which the path then carries. */
const PERCENT_ENCODED = /%[0-9A-Fa-f]{2}/;

/** The shell text of every container of a workload (or of a Job applied as a manifest). */
function scripts(resource: Parameters<ResourceRule['evaluate']>[0]): Array<{ name: string; text: string }> {
  const list =
    resource.type === 'kubernetes_manifest'
      ? readAll(resource.values, 'manifest.spec.template.spec.containers').flatMap((c, i) => {
          const name = (c as Record<string, unknown>)?.name;
          return [{ name: typeof name === 'string' ? name : `#${i}`, values: c }];
        })
      : [...containers(resource), ...readAll(podSpec(resource), 'init_container').map((values, i) => ({ name: `init #${i}`, values }))];
  return list.map(({ name, values }) => ({
    name,
    text: [...readAll(values, 'command'), ...readAll(values, 'args')]
      .flat()
      .filter((s): s is string => typeof s === 'string')
      .map(fromTerraformLiteral)
      .join('\n'),
  }));
}

export const CurlSigV4PathEncoding: ResourceRule = {
  id: 'SC-PRE-18',
  name: 'CurlSigV4PathEncoding',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: [...KUBERNETES_WORKLOAD_TYPES, 'kubernetes_manifest'],
  description:
    'No container signs a request to an AWS service other than S3 with curl --aws-sigv4 on a percent-encoded path (curl before #17129 signs it encoded once; SigV4 wants it twice): use the AWS CLI or an SDK.',
  evaluate(resource) {
    const signing = scripts(resource).filter(({ text }) => text.includes('--aws-sigv4'));
    if (signing.length === 0) return notApplicable('no container signs with curl --aws-sigv4');
    const findings = signing.flatMap(({ name, text }) => {
      const services = [...text.matchAll(SIGV4)].map((m) => m[1]).filter((s) => s !== 's3');
      if (services.length === 0 || !PERCENT_ENCODED.test(text)) return [];
      return [
        `container "${name}" signs ${[...new Set(services)].join(', ')} requests with curl --aws-sigv4 on a percent-encoded path: ` +
          'SigV4 for services other than S3 signs the path encoded twice, and curl before curl#17129 signs it as sent, so the request is refused (403 SignatureDoesNotMatch); use the AWS CLI or an SDK',
      ];
    });
    return findings.length === 0 ? compliant() : nonCompliant(findings.join('; '));
  },
};
