import type { CredentialFormat } from '../types.js';
import { dccSummary, shcSummary, vcSummary, vdsncSummary } from '../summary/summary.js';
import { verifyDccFormat } from './dcc.js';
import type { FormatPlugin } from './plugin.js';
import { verifyShcFormat } from './shc.js';
import { verifyVcFamily } from './vc.js';
import { verifyVdsncFormat } from './vdsnc.js';

/**
 * Every format `verify` knows, one plugin each. Adding a format means adding a plugin here (and its detection): the
 * trust, issuer and revocation decisions are made for it by `trust/decide.ts` and `verify/verify.ts`, not by it.
 */
export const FORMAT_PLUGINS: { readonly [F in CredentialFormat]: FormatPlugin<F> } = {
  'w3c-vc': { format: 'w3c-vc', verify: (d, ctx) => verifyVcFamily('w3c-vc', d.payload, d.details, ctx), summarize: vcSummary },
  'divoc-qr': { format: 'divoc-qr', verify: (d, ctx) => verifyVcFamily('divoc-qr', d.payload, d.details, ctx), summarize: vcSummary },
  'vc-compact': { format: 'vc-compact', verify: (d, ctx) => verifyVcFamily('vc-compact', d.payload, d.details, ctx), summarize: vcSummary },
  dcc: { format: 'dcc', verify: (d, ctx) => verifyDccFormat(d.payload, d.details, ctx), summarize: dccSummary },
  shc: { format: 'shc', verify: (d, ctx) => verifyShcFormat(d.payload as never, d.details, ctx), summarize: shcSummary },
  vdsnc: { format: 'vdsnc', verify: (d, ctx) => verifyVdsncFormat(d.payload, d.details, ctx), summarize: vdsncSummary },
};

export type { FormatPlugin, FormatEvidence, PluginContext, RevocationSubject, BoundSigner } from './plugin.js';
