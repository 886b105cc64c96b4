/**
 * The `dcc`, `dvc` and `icvp` format plugins and the DCC trust-list readers alone: what a verifier loads at start-up.
 * The plugins' decoding, verifying and issuing code loads on first use.
 *
 * @module @divoc/dcc/plugin
 */
export { dccFormat, summarizeDcc } from './format/dcc.js';
export { dvcFormat, icvpFormat, summarizeDvc } from './format/dvc.js';
export { loadDccSignerList, loadDccTrustList, DCC_TRUST_LIST_CERTIFICATE_TYPES } from './trust/signer-list.js';
