import type { JsonObject, JsonValue } from '../types.js';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** Deep copy of JSON data (drops nothing JSON can carry; callers' objects are never mutated). */
export function cloneJson<T extends JsonValue | JsonObject>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `YYYY-MM-DDTHH:mm:ssZ`: the xsd:dateTime form proofs use (no fraction). */
export function toSecondsPrecision(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses an xsd:dateTime as credentials use it (`2021-08-28T11:35:43.776Z`, `2023-01-01T00:00:00+05:30`).
 * Returns undefined for anything else, including date-only strings and impossible dates.
 */
export function parseDateTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
