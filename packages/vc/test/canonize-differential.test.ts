/**
 * The fast canonicaliser against the general one (jsonld.js toRDF + rdf-canonize), byte for byte, on 10,000+
 * generated credentials and their proof configurations for all five suites. Also: the fast path really engages
 * for our templates (a silent fallback would pass the byte comparison and only show up as a slowdown).
 */
import { describe, expect, it } from 'vitest';
import { canonize, canonizeGeneral } from '../src/canonize/index.js';
import { canonizeStats, resetCanonizeStats } from '../src/canonize/fast.js';
import { portableSha256Hex, sha256Hex, usesNodeCrypto } from '../src/lib/hash.js';
import type { JsonObject } from '../src/index.js';
import { runDifferential, outcome } from './differential.js';
import { loader, prng, proofConfig, randomString, SUITES, templateCredentials } from './generate.js';

const templates = templateCredentials();

describe('fast canonicalisation engages', () => {
  it("for every template (VC 1.1 and 2.0, both hosts) and every suite's proof configuration", async () => {
    const rng = prng(1);
    for (const { name, credential } of templates) {
      resetCanonizeStats();
      const fast = await canonize(credential, { documentLoader: loader });
      const stats = canonizeStats();
      expect(stats.general, name).toBe(0);
      expect(stats.fast + stats.fastWithDeepLabelling, name).toBe(1);
      expect(fast, name).toBe(await canonizeGeneral(credential, { documentLoader: loader }));
      for (const suite of SUITES) {
        resetCanonizeStats();
        const config = proofConfig(suite, credential, rng);
        const canonical = await canonize(config, { documentLoader: loader });
        expect(canonizeStats(), `${name} / ${suite}`).toEqual({ fast: 1, fastWithDeepLabelling: 0, general: 0 });
        expect(canonical).toBe(await canonizeGeneral(config, { documentLoader: loader }));
      }
    }
  });

  it('labels blank nodes itself when first-degree hashes are distinct (the vaccination template)', async () => {
    resetCanonizeStats();
    await canonize(templates.find((t) => t.name.startsWith('vaccination VC 1.1'))!.credential, {
      documentLoader: loader,
    });
    expect(canonizeStats()).toEqual({ fast: 1, fastWithDeepLabelling: 0, general: 0 });
  });

  it('falls back to the general path for what it does not cover, with the same result', async () => {
    const base = templates[0]!.credential;
    const cases: JsonObject[] = [
      { ...base, credentialSubject: { ...(base.credentialSubject as JsonObject), '@reverse': {} } },
      { '@context': { '@vocab': 'https://v.example/' }, '@id': 'urn:x', list: { '@list': [1, 2] } },
      { '@context': { '@vocab': 'https://v.example/', '@language': 'en' }, '@id': 'urn:x', name: 'tagged' },
      {
        '@context': 'https://www.w3.org/ns/credentials/v2',
        type: 'VerifiableCredential',
        credentialSchema: { jsonSchema: { a: 1 } },
      },
    ];
    for (const doc of cases) {
      resetCanonizeStats();
      const fast = await outcome(() => canonize(doc, { documentLoader: loader }));
      expect(canonizeStats().general).toBe(1);
      expect(fast).toEqual(await outcome(() => canonizeGeneral(doc, { documentLoader: loader })));
    }
  });

  it('hostile shapes: deep nesting, prototype-named keys, big arrays give what the general path gives', async () => {
    const v2 = 'https://www.w3.org/ns/credentials/v2';
    let deep: JsonObject = { leaf: 'x' };
    for (let i = 0; i < 100; i++) deep = { nested: deep };
    const protoKeys = JSON.parse(
      '{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","credentialSubject":{"_' +
        '_proto__":{"constructor":"x","hasOwnProperty":1},"toString":true}}',
    ) as JsonObject;
    const cases: JsonObject[] = [
      { '@context': v2, type: 'VerifiableCredential', credentialSubject: deep },
      protoKeys,
      {
        '@context': v2,
        type: 'VerifiableCredential',
        credentialSubject: { values: Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? i : `v${i % 50}`)) },
      },
      {
        '@context': v2,
        type: ['VerifiableCredential', 'constructor', '__proto__'],
        credentialSubject: { id: 'urn:x' },
      },
    ];
    for (const doc of cases) {
      const fast = await outcome(() => canonize(doc, { documentLoader: loader }));
      expect(fast).toEqual(await outcome(() => canonizeGeneral(doc, { documentLoader: loader })));
    }
  });

  it('hashes with node:crypto on Node, and the portable hash agrees', () => {
    // process.getBuiltinModule exists from Node 20.16; older Node 20 releases use the portable hash.
    expect(usesNodeCrypto).toBe(typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function');
    const rng = prng(7);
    for (let i = 0; i < 200; i++) {
      const text = randomString(rng) + '\ud800 lone surrogate';
      expect(sha256Hex(text)).toBe(portableSha256Hex(text));
    }
  });
});

// 10,000 credentials in two files of 5,000 (this one and canonize-differential-2.test.ts), so workers share them.
runDifferential(Number(process.env.DIFF_CREDENTIALS ?? 5_000), 0x5eed_0006);
