/** The differential loop shared by the two differential test files (split so vitest runs them in parallel). */
import { beforeAll, describe, expect, it } from 'vitest';
import { canonize, canonizeGeneral } from '../src/canonize/index.js';
import { canonizeStats, resetCanonizeStats } from '../src/canonize/fast.js';
import type { JsonObject } from '../src/index.js';
import { loader, mutateCredential, prng, proofConfig, SUITES, templateCredentials } from './generate.js';

export type Outcome = { nquads: string } | { code: string; message?: string };

export async function outcome(run: () => Promise<string>): Promise<Outcome> {
  try {
    return { nquads: await run() };
  } catch (error) {
    return { code: String((error as { code?: unknown }).code ?? (error as Error).name) };
  }
}

/**
 * The general path's answer. Proof configurations repeat (few suites, dates, methods), so theirs are memoised to
 * keep the test fast; every credential is canonicalised afresh.
 */
const referenceMemo = new Map<string, Outcome>();
async function referenceOutcome(doc: JsonObject): Promise<Outcome> {
  const isProofConfig = doc.proofPurpose !== undefined;
  const key = isProofConfig ? JSON.stringify(doc) : undefined;
  const hit = key === undefined ? undefined : referenceMemo.get(key);
  if (hit) return hit;
  const result = await outcome(() => canonizeGeneral(doc, { documentLoader: loader }));
  if (key !== undefined) referenceMemo.set(key, result);
  return result;
}

export function runDifferential(CREDENTIALS: number, SEED: number): void {
  const templates = templateCredentials();
  describe(`differential: fast vs jsonld.js + rdf-canonize on ${CREDENTIALS} generated credentials`, () => {
    const results = { same: 0, bothFailed: 0, fast: 0, deep: 0, general: 0, proofConfigs: 0 };
    beforeAll(() => resetCanonizeStats());

    it('gives byte-identical canonical N-Quads (or the same error code)', { timeout: 180_000 }, async () => {
      const rng = prng(SEED);
      const mismatches: Array<{ index: number; document: JsonObject; fast: Outcome; general: Outcome }> = [];
      for (let index = 0; index < CREDENTIALS; index++) {
        const base = templates[index % templates.length]!.credential;
        const document = mutateCredential(base, rng);
        const docs = [document];
        // A third of them with a proof configuration too, rotating through the five suites.
        if (index % 3 === 0) docs.push(proofConfig(SUITES[(index / 3) % SUITES.length]!, document, rng));
        for (const doc of docs) {
          const fast = await outcome(() => canonize(doc, { documentLoader: loader }));
          const general = await referenceOutcome(doc);
          if (JSON.stringify(fast) !== JSON.stringify(general)) {
            if (mismatches.length < 3) mismatches.push({ index, document: doc, fast, general });
          } else if ('nquads' in fast) results.same++;
          else results.bothFailed++;
        }
        if (docs.length > 1) results.proofConfigs++;
      }
      const stats = canonizeStats();
      Object.assign(results, { fast: stats.fast, deep: stats.fastWithDeepLabelling, general: stats.general });
      expect(mismatches).toEqual([]);
      // The generator must mostly produce valid credentials, and the fast path must take most of them.
      expect(results.same).toBeGreaterThan(CREDENTIALS * 0.6);
      expect(results.fast + results.deep).toBeGreaterThan(results.same * 0.8);
      console.log(`differential: ${JSON.stringify(results)}`);
    });
  });
}
