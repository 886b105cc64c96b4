/**
 * Largest DIVOC or EU DCC revocation list accepted, in characters of JSON (or bytes), refused before parsing: the
 * 2 000 000 entries each accepts fit well within it. A file holding several lists is capped at the same size.
 */
export const MAX_REVOCATION_LIST_CHARS = 64 * 1024 * 1024;
