/**
 * `for_each` keys must be known when the plan is made. Keys built from the ACM certificate's
 * validation options (`resource_record_name`, even `domain_name`) are known only after the
 * certificate exists, and terraform refuses the plan: "Invalid for_each argument" (review F1).
 */
import { StackOutcome, StackRule } from '../../types';
import { compliant, nonCompliant } from '../../outcomes';

/** `{ for x in <…>.domain_validation_options… : <key> => … }`: the key expression of such a comprehension. */
const KEYED_BY_OPTIONS = /for\s+\w+\s+in\s+[^:]*domain_validation_options[^:]*:\s*([^=]+)=>/;

export const ForEachKeysKnownAtPlan: StackRule = {
  id: 'SC-PRE-14',
  name: 'ForEachKeysKnownAtPlan',
  family: 'preflight',
  scope: 'stack',
  description:
    "for_each keys do not come from an ACM certificate's domain_validation_options, which are unknown until it exists; key by the domain names written in the configuration.",
  evaluate(stack) {
    return stack
      .resources()
      .filter((r) => typeof r.values.for_each === 'string')
      .map((resource): StackOutcome => {
        const keyed = KEYED_BY_OPTIONS.exec(String(resource.values.for_each));
        const outcome = keyed
          ? nonCompliant(
              `for_each is keyed by ${keyed[1].trim()} of domain_validation_options, unknown until the certificate exists: terraform refuses the plan ("Invalid for_each argument"); key by the certificate's domain names`,
            )
          : compliant();
        return { ...outcome, address: resource.address };
      });
  },
};
