// Types for the matchers Testing.setupJest() adds (toHaveResourceWithProperties, …), set up by the test files that use them.
import 'cdktf/lib/testing/adapters/jest';
