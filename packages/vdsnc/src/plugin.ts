/**
 * The `vdsnc` format plugin alone: what a verifier loads at start-up. Its decoding, verifying and issuing code loads
 * on first use.
 *
 * @module @divoc/vdsnc/plugin
 */
export { vdsncFormat, summarizeVdsnc } from './format/vdsnc.js';
