/** Error helpers shared by the package tests. */

function thrownCode<R>(fn: () => unknown, returned: R, check?: (error: unknown) => void): string | undefined | R {
  try {
    fn();
  } catch (error) {
    check?.(error);
    return (error as { code?: string }).code;
  }
  return returned;
}

/**
 * The `code` of what `fn` throws, or undefined when it returns. `check` (e.g. an assertion on the error's class)
 * runs on the thrown error first.
 */
export function codeOf(fn: () => unknown, check?: (error: unknown) => void): string | undefined {
  return thrownCode(fn, undefined, check);
}

/** The `code` of what `fn` throws, or 'no error' when it returns. */
export function codeOrNoError(fn: () => unknown): string | undefined {
  return thrownCode(fn, 'no error');
}

/** Everything an error shows: message, stack and own properties, down its `cause` chain (for secret-leak checks). */
export function everythingShown(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 10 && e; i++) {
    parts.push(
      String((e as Error)?.message ?? e),
      String((e as Error)?.stack ?? ''),
      JSON.stringify(e, Object.getOwnPropertyNames(e ?? {})) ?? '',
    );
    e = (e as { cause?: unknown })?.cause;
  }
  return parts.join('\n');
}

/** What `fn` throws, or undefined when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
