/**
 * Find the first PEM block in `text` with plain string searches (linear time; a regex with a back-reference
 * can be driven quadratic by a hostile input of many BEGIN lines).
 */
export function findPemBlock(text: string): { label: string; block: string; body: string } | undefined {
  const begin = text.indexOf('-----BEGIN ');
  if (begin === -1) return undefined;
  const labelStart = begin + '-----BEGIN '.length;
  const labelEnd = text.indexOf('-----', labelStart);
  if (labelEnd === -1 || labelEnd - labelStart > 40) return undefined;
  const label = text.slice(labelStart, labelEnd);
  if (!/^[A-Z0-9 ]+$/.test(label)) return undefined;
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, labelEnd + 5);
  if (end === -1) return undefined;
  return { label, block: text.slice(begin, end + endMarker.length), body: text.slice(labelEnd + 5, end) };
}
