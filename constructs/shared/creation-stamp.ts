/**
 * A value fixed when a resource is first created: for names AWS keeps after the resource is
 * gone (final snapshots), so that destroying and recreating it does not collide with the
 * snapshot of the last time (review M8). A `terraform_data` keeps the creation time in its
 * state; it changes only when the stamp itself is replaced.
 */
import { Construct } from 'constructs';
import { DataResource, Fn } from 'cdktf';

/**
 * `YYYYMMDDhhmm` of the moment `scope`'s stamp was created, as a Terraform expression (known
 * after the first apply). One stamp per scope, with id `created`.
 */
export function creationStamp(scope: Construct): string {
  const stamp = new DataResource(scope, 'created', {
    lifecycle: { ignoreChanges: ['input'] },
  });
  stamp.addOverride('input', '${plantimestamp()}');
  return Fn.formatdate('YYYYMMDDhhmm', stamp.getStringAttribute('output'));
}
