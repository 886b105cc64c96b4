// EU DCC issue/verify: @divoc/dcc against the straightforward pipeline a user would write with the usual npm
// libraries (cbor-x, pako, base45) and node:crypto, with the same P-256 key, kid, payload, iat and exp, in one process.
//
// The baseline keeps what a reasonable user keeps between calls (the private and public KeyObjects, the cbor-x
// Encoder/Decoder, the encoded protected header) and builds everything else per certificate, as a tutorial does.
// Ours is measured twice: `encodeDcc` with `validate: false` (the same work as the baseline: no schema check) and the
// full `issueDcc`-style path with schema and value-set validation (reported separately, never in the ratio).
// The informational rows dcc-issue-cose-js / dcc-verify-cose-js put ours next to the same pipeline written with the
// cose-js package (its signatures go through the pure-JS elliptic library, hence the large ratios).
import { createRequire } from 'node:module';
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import pako from 'pako';
import base45 from 'base45';
import { TrustStore } from '@divoc/keys';

// @divoc/dcc and cbor-x are dependencies of packages/dcc, not of this folder: resolve them from there (built dist/).
const dccRequire = createRequire(new URL('../packages/dcc/package.json', import.meta.url));
const { Encoder, Decoder, Tag } = await import(dccRequire.resolve('cbor-x'));
// cose-js (a dependency of this folder) and the `cbor` package it encodes with, which its users have at hand.
const require = createRequire(import.meta.url);
const coseJs = require('cose-js');
const cbor = createRequire(require.resolve('cose-js'))('cbor');
const { encodeDcc, verifyDcc, createDevelopmentCsca, createDevelopmentSigner } = await import(
  new URL('../packages/dcc/dist/index.js', import.meta.url).href
);

export const sampleDcc = {
  ver: '1.3.0',
  nam: { fn: 'Mitra', fnt: 'MITRA', gn: 'Bhaya', gnt: 'BHAYA' },
  dob: '1990-01-15',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2021-07-12',
      co: 'IN',
      is: 'Ministry of Health and Family Welfare',
      ci: 'URN:UVCI:01:IN:244768056#U',
    },
  ],
};

/** The baseline a user writes from the hcert spec with cbor-x, pako, base45 and node:crypto. */
export function baselinePipeline({ privateKey, publicKey, kid }) {
  const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false });
  const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
  const protectedBytes = encoder.encode(
    new Map([
      [1, -7],
      [4, kid],
    ]),
  );
  const empty = new Uint8Array(0);

  function issue(dcc, { iss, iat, exp }) {
    const claims = new Map([
      [1, iss],
      [6, iat],
      [4, exp],
      [-260, new Map([[1, dcc]])],
    ]);
    const payload = encoder.encode(claims);
    const toBeSigned = encoder.encode(['Signature1', protectedBytes, empty, payload]);
    const signature = nodeSign('sha256', toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const cose = encoder.encode(new Tag([protectedBytes, new Map(), payload, signature], 18));
    return `HC1:${base45.encode(pako.deflate(cose))}`;
  }

  function verify(hc1) {
    if (!hc1.startsWith('HC1:')) throw new Error('not HC1');
    const cose = decoder.decode(pako.inflate(base45.decode(hc1.slice(4))));
    const [protectedHeaderBytes, , payload, signature] = cose instanceof Tag ? cose.value : cose;
    const toBeSigned = encoder.encode(['Signature1', protectedHeaderBytes, empty, payload]);
    const valid = nodeVerify('sha256', toBeSigned, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    const claims = decoder.decode(payload);
    return { valid, claims, dcc: claims.get(-260)?.get(1) };
  }

  return { issue, verify };
}

/**
 * The same pipeline written with cose-js (https://www.npmjs.com/package/cose-js, `sign.create` / `sign.verify`, ES256
 * through its elliptic dependency), the `cbor` package for the CWT claims, pako and base45.
 */
export function coseJsPipeline({ privateKey, publicKey, kid }) {
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
  const { x, y } = publicKey.export({ format: 'jwk' });
  const signer = { key: { d } };
  const verifier = { key: { x: Buffer.from(x, 'base64url'), y: Buffer.from(y, 'base64url') } };
  const headers = { p: { alg: 'ES256', kid }, u: {} };

  async function issue(dcc, { iss, iat, exp }) {
    const claims = cbor.encode(
      new Map([
        [1, iss],
        [6, iat],
        [4, exp],
        [-260, new Map([[1, dcc]])],
      ]),
    );
    const cose = await coseJs.sign.create(headers, claims, signer);
    return `HC1:${base45.encode(pako.deflate(cose))}`;
  }

  /** Throws when the signature does not verify (cose-js reports it that way). */
  async function verify(hc1) {
    if (!hc1.startsWith('HC1:')) throw new Error('not HC1');
    const payload = await coseJs.sign.verify(Buffer.from(pako.inflate(base45.decode(hc1.slice(4)))), verifier);
    const claims = cbor.decode(payload);
    return { claims, dcc: claims.get(-260)?.get(1) };
  }

  return { issue, verify };
}

export async function setup() {
  const csca = await createDevelopmentCsca({ country: 'IN', commonName: 'DIVOC Benchmark CSCA' });
  const dsc = await createDevelopmentSigner({ csca, types: ['v', 't', 'r'], validityDays: 3650 });
  const kid = Buffer.from(dsc.kid, 'base64');
  const baseline = baselinePipeline({ privateKey: dsc.keyPair.privateKey, publicKey: dsc.keyPair.publicKey, kid });
  const times = { iss: 'IN', iat: 1_700_000_000, exp: 1_900_000_000 };
  const now = new Date(1_800_000_000_000);
  const trustStore = new TrustStore();
  trustStore.addCertificate(dsc.certificatePem);

  const encodeOptions = {
    signer: dsc.signer,
    kid: dsc.kid,
    iss: times.iss,
    iat: times.iat,
    exp: times.exp,
    validate: false,
  };
  const fullOptions = {
    signer: dsc.signer,
    certificate: dsc.certificatePem,
    iss: times.iss,
    iat: times.iat,
    exp: times.exp,
  };
  const ours = (await encodeDcc(sampleDcc, encodeOptions)).hc1;
  const theirs = baseline.issue(sampleDcc, times);

  // Each side must accept the other's output, or the comparison means nothing.
  const ourCheck = await verifyDcc(theirs, { trust: trustStore, now });
  if (!ourCheck.valid) throw new Error(`@divoc/dcc rejects the baseline's HC1: ${JSON.stringify(ourCheck.checks)}`);
  const theirCheck = baseline.verify(ours);
  if (!theirCheck.valid) throw new Error("the baseline rejects @divoc/dcc's HC1");

  // cose-js: both sides must read each other's HC1 here too.
  const coseJsSide = coseJsPipeline({ privateKey: dsc.keyPair.privateKey, publicKey: dsc.keyPair.publicKey, kid });
  const coseJsHc1 = await coseJsSide.issue(sampleDcc, times);
  const ourCheckOfCoseJs = await verifyDcc(coseJsHc1, { trust: trustStore, now });
  if (!ourCheckOfCoseJs.valid)
    throw new Error(`@divoc/dcc rejects cose-js's HC1: ${JSON.stringify(ourCheckOfCoseJs.checks)}`);
  const coseJsReadsOurs = await coseJsSide.verify(ours);
  if (JSON.stringify(coseJsReadsOurs.dcc) !== JSON.stringify(sampleDcc))
    throw new Error("cose-js reads another DCC out of @divoc/dcc's HC1");

  // The signature alone, for the ceiling: no pipeline can beat baseline ÷ (sign or verify alone).
  const tbsBytes = (() => {
    const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false });
    const cose = new Decoder({ mapsAsObjects: false, useRecords: false }).decode(
      pako.inflate(base45.decode(ours.slice(4))),
    );
    const [protectedHeaderBytes, , payload, signature] = cose.value;
    return { toBeSigned: encoder.encode(['Signature1', protectedHeaderBytes, new Uint8Array(0), payload]), signature };
  })();
  const { privateKey, publicKey } = dsc.keyPair;

  return {
    hc1: ours,
    notes: [
      `DCC HC1 length: ours ${ours.length}, baseline ${theirs.length}, cose-js pipeline ${coseJsHc1.length} characters`,
      "cose-js and @divoc/dcc verify each other's HC1 (checked in setup)",
    ],
    cases: [
      {
        name: 'dcc-issue',
        goal: 3,
        baselineName: 'cbor-x + COSE by hand + node:crypto + pako + base45',
        ours: () => encodeDcc(sampleDcc, encodeOptions),
        baseline: () => baseline.issue(sampleDcc, times),
      },
      {
        name: 'dcc-verify',
        goal: 3,
        baselineName: 'base45 + pako + cbor-x + node:crypto verify',
        // The baseline validates no schema: neither does ours here (policy.schema: false); see dcc-verify-validated.
        ours: async () => {
          const r = await verifyDcc(ours, { trust: trustStore, now, policy: { schema: false } });
          if (!r.valid) throw new Error('verify failed');
        },
        baseline: () => {
          if (!baseline.verify(theirs).valid) throw new Error('verify failed');
        },
      },
      {
        name: 'dcc-verify-validated',
        informational: true,
        baselineName: 'same baseline (no schema check); ours also validates schema + value sets',
        ours: async () => {
          const r = await verifyDcc(ours, { trust: trustStore, now });
          if (!r.valid) throw new Error('verify failed');
        },
        baseline: () => {
          if (!baseline.verify(theirs).valid) throw new Error('verify failed');
        },
      },
      {
        name: 'dcc-issue-ceiling',
        informational: true,
        baselineName:
          'same baseline; "ours" = the ES256 signature alone (node:crypto sign): the most any pipeline can gain',
        ours: () => nodeSign('sha256', tbsBytes.toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
        baseline: () => baseline.issue(sampleDcc, times),
      },
      {
        name: 'dcc-verify-ceiling',
        informational: true,
        baselineName:
          'same baseline; "ours" = the ES256 verification alone (node:crypto verify): the most any pipeline can gain',
        ours: () => {
          if (
            !nodeVerify(
              'sha256',
              tbsBytes.toBeSigned,
              { key: publicKey, dsaEncoding: 'ieee-p1363' },
              tbsBytes.signature,
            )
          )
            throw new Error('verify failed');
        },
        baseline: () => {
          if (!baseline.verify(theirs).valid) throw new Error('verify failed');
        },
      },
      {
        name: 'dcc-issue-cose-js',
        informational: true,
        baselineName: 'cose-js sign.create (ES256 via elliptic) + cbor + pako + base45',
        ours: () => encodeDcc(sampleDcc, encodeOptions),
        baseline: () => coseJsSide.issue(sampleDcc, times),
      },
      {
        name: 'dcc-verify-cose-js',
        informational: true,
        baselineName: 'base45 + pako + cose-js sign.verify (elliptic) + cbor',
        ours: async () => {
          const r = await verifyDcc(ours, { trust: trustStore, now, policy: { schema: false } });
          if (!r.valid) throw new Error('verify failed');
        },
        baseline: () => coseJsSide.verify(coseJsHc1),
      },
      {
        name: 'dcc-issue-validated',
        informational: true,
        baselineName: 'same baseline (no schema check); ours validates schema + value sets, checks the certificate',
        ours: () => encodeDcc(sampleDcc, fullOptions),
        baseline: () => baseline.issue(sampleDcc, times),
      },
    ],
  };
}
