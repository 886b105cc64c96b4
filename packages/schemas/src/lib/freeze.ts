/**
 * A deep copy of a JSON value as a fresh, deeply frozen tree. The copy goes through JSON text, which
 * keeps key order, drops non-JSON values, rejects cycles (TypeError) and turns `__proto__` keys into
 * plain own properties, so a hostile document cannot reach a prototype.
 */
export function frozenJsonCopy<T = unknown>(value: unknown): T {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value is not JSON');
  return deepFreeze(JSON.parse(text) as T);
}

/**
 * Freezes `value` and every object in it, in place. For data this package owns (its bundled JSON); anything from
 * outside goes through `frozenJsonCopy`.
 */
export function deepFreeze<T>(value: T): T {
  // Iterative, so deeply nested documents cannot overflow the stack here.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node !== null && typeof node === 'object') {
      Object.freeze(node);
      for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}
