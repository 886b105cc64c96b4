/**
 * Picks the representation for an `Accept` header (RFC 9110 §12.5.1): highest q first, then the most specific
 * range, then the server's order. Returns undefined when nothing offered is acceptable (406).
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const ranges = accept
    .slice(0, 4096)
    .split(',')
    .slice(0, 64)
    .map((part) => {
      const [type = '', ...params] = part.trim().split(';');
      let q = 1;
      for (const p of params) {
        const [k, v] = p.trim().split('=');
        if (k?.trim().toLowerCase() === 'q') {
          const n = Number(v);
          q = Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0;
        }
      }
      return { type: type.trim().toLowerCase(), q };
    })
    .filter((r) => /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$|^\*\/\*$/.test(r.type));
  let best: { type: string; q: number; specificity: number; order: number } | undefined;
  offered.forEach((type, order) => {
    const [main] = type.split('/');
    let q = -1;
    let specificity = -1;
    for (const r of ranges) {
      const s = r.type === type ? 2 : r.type === `${main}/*` ? 1 : r.type === '*/*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (specificity < 0 || q <= 0) return;
    if (best === undefined || q > best.q || (q === best.q && specificity > best.specificity))
      best = { type, q, specificity, order };
  });
  return best?.type;
}
