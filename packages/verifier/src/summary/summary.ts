import { FORMATS } from '@divoc/formats';
import type { CredentialSummary } from '@divoc/schemas';

/**
 * The summary of a decoded credential of `format` (its plugin's `summarize`). Never throws: unreadable parts are left
 * out.
 */
export function summarize(format: string, credential: unknown): CredentialSummary {
  try {
    const plugin = FORMATS.find(format);
    if (plugin) return plugin.summarize(credential);
  } catch {
    // A summary is a convenience; a credential that breaks it still gets its checks.
  }
  return { event: 'other' };
}
