/**
 * N-Quads term serialisation exactly as rdf-canonize writes it (its output is what gets signed, so every escape
 * must match byte for byte): literals escape C0 controls, DEL, `"` and `\` (ECHAR where one exists, else
 * `\uXXXX` upper-case); IRIs escape C0 controls, space and `<>"{}|^\`` as `\uXXXX`.
 */

export const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
export const XSD_BOOLEAN = 'http://www.w3.org/2001/XMLSchema#boolean';
export const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';
export const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';
export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

const LITERAL_SPECIAL = /[\u0000-\u001F\u007F"\\]/;
const LITERAL_SPECIAL_ALL = /[\u0000-\u001F\u007F"\\]/g;
const IRI_SPECIAL = /[\u0000-\u0020<>"{}|^`\\]/;
const IRI_SPECIAL_ALL = /[\u0000-\u0020<>"{}|^`\\]/g;

const uchar = (code: number): string => `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;

const LITERAL_ESCAPES: string[] = [];
for (let code = 0; code <= 0x7f; code++) {
  if (LITERAL_SPECIAL.test(String.fromCharCode(code))) LITERAL_ESCAPES[code] = uchar(code);
}
for (const [char, escape] of [
  ['\b', '\\b'],
  ['\t', '\\t'],
  ['\n', '\\n'],
  ['\f', '\\f'],
  ['\r', '\\r'],
  ['"', '\\"'],
  ['\\', '\\\\'],
] as const) {
  LITERAL_ESCAPES[char.charCodeAt(0)] = escape;
}

export function escapeLiteral(text: string): string {
  if (!LITERAL_SPECIAL.test(text)) return text;
  return text.replace(LITERAL_SPECIAL_ALL, (c) => LITERAL_ESCAPES[c.charCodeAt(0)]!);
}

export function escapeIri(iri: string): string {
  if (!IRI_SPECIAL.test(iri)) return iri;
  return iri.replace(IRI_SPECIAL_ALL, (c) => uchar(c.charCodeAt(0)));
}

/** `<iri>` as an N-Quads term. */
export function iriTerm(iri: string): string {
  return `<${escapeIri(iri)}>`;
}

/** A literal as an N-Quads term: plain for xsd:string, else `^^<datatype>`. */
export function literalTerm(lexical: string, datatype: string): string {
  return datatype === XSD_STRING
    ? `"${escapeLiteral(lexical)}"`
    : `"${escapeLiteral(lexical)}"^^<${escapeIri(datatype)}>`;
}

const UNESCAPE = /\\(?:([btnfr"\\])|u([0-9A-Fa-f]{4}))/g;
const ECHARS: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/** Inverse of `escapeLiteral` / `escapeIri` (only the escapes those write). */
function unescape(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(UNESCAPE, (_m, echar: string | undefined, hex: string | undefined) =>
    echar !== undefined ? ECHARS[echar]! : String.fromCharCode(parseInt(hex!, 16)),
  );
}

/** An RDF/JS-style term, as rdf-canonize takes it. */
export type RdfTerm =
  | { termType: 'NamedNode' | 'BlankNode'; value: string }
  | { termType: 'Literal'; value: string; datatype: { termType: 'NamedNode'; value: string } };

/** Parses back a term `iriTerm` or `literalTerm` wrote. */
export function parseTerm(term: string): RdfTerm {
  if (term.charCodeAt(0) === 60 /* < */) return { termType: 'NamedNode', value: unescape(term.slice(1, -1)) };
  const close = term.lastIndexOf('"');
  const rest = term.slice(close + 1);
  const datatype = rest === '' ? XSD_STRING : unescape(rest.slice(3, -1));
  return {
    termType: 'Literal',
    value: unescape(term.slice(1, close)),
    datatype: { termType: 'NamedNode', value: datatype },
  };
}
