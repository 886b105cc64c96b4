/**
 * The `shc` format plugin and the SMART Health Card trust readers alone: what a verifier loads at start-up. The
 * plugin's decoding, verifying and issuing code loads on first use.
 *
 * @module @divoc/shc/plugin
 */
export { shcFormat } from './format/shc.js';
export { loadIssuerDirectory } from './directory/directory.js';
export { parseRevocationList } from './revocation/crl.js';
