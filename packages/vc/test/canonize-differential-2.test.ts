/** Second half of the differential test (see canonize-differential.test.ts): 5,000 more credentials, another seed. */
import { runDifferential } from './differential.js';

runDifferential(Number(process.env.DIFF_CREDENTIALS ?? 5_000), 0x5eed_0007);
