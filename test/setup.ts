// Adds cdktf's matchers (toHaveResourceWithProperties, …) to expect.
import { Testing } from 'cdktf';
Testing.setupJest();

// cdktf records a full call stack per token; jest's source-mapped formatting of each one costs
// more than the synthesis. Error traces are kept (see cli/token-stack-traces.ts).
import { skipTokenCreationStacks } from '../cli/token-stack-traces';
skipTokenCreationStacks();
