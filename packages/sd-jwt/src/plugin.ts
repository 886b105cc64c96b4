/**
 * The `sd-jwt-vc` format plugin and the JWT VC Issuer Metadata trust reader alone: what a verifier loads at start-up.
 * The plugin's decoding, verifying and issuing code loads on first use.
 *
 * @module @divoc/sd-jwt/plugin
 */
export { sdJwtVcFormat } from './format/sd-jwt-vc.js';
export { loadJwtVcIssuerMetadata, isJwtVcIssuerMetadata } from './metadata.js';
export type { JwtVcIssuerMetadata } from './metadata.js';
