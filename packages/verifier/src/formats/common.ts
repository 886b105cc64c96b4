import type { Check, CheckName } from '@divoc/keys';

export const passedCheck = (name: CheckName, message?: string): Check => (message === undefined ? { name, ok: true } : { name, ok: true, message });
export const failedCheck = (name: CheckName, code: string, message: string): Check => ({ name, ok: false, code, message });

/** A stable code from an error, or the fallback. */
export function errorCode(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^ERR_[A-Z0-9_]+$/.test(code) ? code : fallback;
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const listOf = (value: readonly unknown[] | undefined): readonly unknown[] => (Array.isArray(value) ? value : []);

/** The format's own failed `trust` check: why no trusted signer was found, or its objection to the key. */
export function trustFailureOf(checks: readonly Check[]): Check | undefined {
  const trust = checks.find((c) => c.name === 'trust');
  return trust && !trust.ok ? trust : undefined;
}
