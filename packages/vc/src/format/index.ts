export { w3cVcFormat, defaultSuiteFor, vcSigningKeyOf, signW3cCredential, looksLikeW3cCredential } from './w3c-vc.js';
export type { VcSigningKey } from './w3c-vc.js';
export { vcCompactFormat } from './vc-compact.js';
export { w3cCredentialEvidence } from './evidence.js';
export { summarizeW3cCredential } from './summary.js';
