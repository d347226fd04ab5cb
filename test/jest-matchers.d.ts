// Types for the matchers Testing.setupJest() adds (toHaveResourceWithProperties, …).
import 'cdktf/lib/testing/adapters/jest';
