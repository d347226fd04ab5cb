// Adds cdktf's matchers (toHaveResourceWithProperties, …) to expect.
import { Testing } from 'cdktf';
Testing.setupJest();
