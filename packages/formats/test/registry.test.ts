import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  base64urlEncode,
  createSigner,
  generateKeyPair,
  isDivocError,
  trustedKeyFromKeyPair,
  verifySignature,
  type Signer,
} from '@divoc/keys';
import {
  evidenceFrom,
  failedCheck,
  passedCheck,
  type CredentialFormatPlugin,
  type FormatEvidence,
} from '@divoc/schemas';
import { dvcCoreDataSet } from '@divoc/dcc';
import { issueAllFormats } from '@divoc/issuer';
import { Trust, verify } from '@divoc/verifier';
import { FORMATS, FormatRegistry } from '../src/index.js';
import { createFixture, ISSUED_AT, ISSUER } from '../../issuer/test/fixtures.js';

const RECORD = {
  name: 'Asha Rao',
  nameLatin: 'Asha Rao',
  dob: '1990-05-15',
  gender: 'Female',
  preEnrollmentCode: 'P-1234',
  vaccine: 'Covishield',
  manufacturer: 'Serum Institute of India',
  batch: 'B-77',
  dose: 1,
  totalDoses: 2,
  vaccinationDate: '2021-07-01',
  facilityName: 'PHC Pune',
  facilityCountry: 'IN',
};

describe('FORMATS: the one registration of every format', () => {
  it('names each format once, in the order of detection and issuance', () => {
    expect(FORMATS.names).toEqual([
      'w3c-vc',
      'divoc-qr',
      'vc-compact',
      'pixelpass',
      'dcc',
      'dvc',
      'icvp',
      'shc',
      'vdsnc',
      'sd-jwt-vc',
    ]);
    const spellings = FORMATS.plugins.flatMap((p) => [p.name, p.shortName]);
    for (const plugin of FORMATS.plugins) expect(FORMATS.get(plugin.shortName)).toBe(plugin);
    // `vc` is the CLI's and the file names' word for `w3c-vc`: one plugin, two spellings, never two formats.
    expect(FORMATS.get('vc')).toBe(FORMATS.get('w3c-vc'));
    expect(new Set(spellings).size).toBe(
      spellings.length - FORMATS.plugins.filter((p) => p.name === p.shortName).length,
    );
  });

  it('refuses an unknown name with ERR_FORMAT_UNKNOWN, listing the known ones (control: a known name)', () => {
    expect(FORMATS.find('dcc')?.name).toBe('dcc');
    expect(FORMATS.find('hcert')).toBeUndefined();
    let error: unknown;
    try {
      FORMATS.get('hcert');
    } catch (e) {
      error = e;
    }
    expect(isDivocError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_FORMAT_UNKNOWN' });
    expect((error as Error).message).toContain('w3c-vc, divoc-qr');
  });

  it('refuses a registry where two plugins share a name or a short name (control: FORMATS.with a new name)', () => {
    const copy = { ...FORMATS.get('dcc'), name: 'dcc-copy', shortName: 'dcc' } as CredentialFormatPlugin;
    expect(() => FORMATS.with(copy)).toThrow(expect.objectContaining({ code: 'ERR_FORMAT_DUPLICATE' }));
    const fine = { ...FORMATS.get('dcc'), name: 'dcc-copy', shortName: 'dcc-copy' } as CredentialFormatPlugin;
    expect(FORMATS.with(fine).names).toEqual([...FORMATS.names, 'dcc-copy']);
  });

  it('every plugin detects, decodes and summarises what the issuer made with it', async () => {
    const fixture = await createFixture();
    const issued = await issueAllFormats(
      { record: RECORD, template: 'vaccination' },
      {
        keys: { ...fixture.keys, dvc: fixture.keys.dcc },
        issuer: ISSUER,
        issuanceDate: ISSUED_AT,
        strict: true,
      },
    );
    const outputs = issued.outputs as Record<string, Record<string, unknown>>;
    // A registry record names no ICVP product catalogue id, so the ICVP is issued from a core data set that has one.
    const ddcc = dvcCoreDataSet({
      n: 'Asha Rao',
      dob: '1990-05-15',
      v: [{ vp: 'a3K3X000005atRtUAI', dt: '2021-07-01', bo: 'B-77', is: ISSUER }],
    });
    const icvpPlugin = FORMATS.get('icvp');
    if (icvpPlugin.issuance.mode !== 'signs') throw new Error('icvp signs');
    const icvp = await icvpPlugin.issuance.issue(
      { ddcc, credential: {}, issuer: ISSUER, issuanceDate: ISSUED_AT, options: {} },
      fixture.keys.dcc,
    );
    const icvpText = String((icvp.output as Record<string, unknown>).hc1);
    // The SD-JWT VC signs with its own key slot (keys.sdJwtVc) and an https issuer: issued from the same data set.
    const sdJwtPlugin = FORMATS.get('sd-jwt-vc');
    if (sdJwtPlugin.issuance.mode !== 'signs') throw new Error('sd-jwt-vc signs');
    const sdJwtIssued = await sdJwtPlugin.issuance.issue(
      { ddcc: issued.ddcc, credential: {}, issuer: 'https://divoc.example', issuanceDate: ISSUED_AT, options: {} },
      { signer: createSigner(await generateKeyPair('P-256'), { id: 'sd-jwt-key' }) },
    );
    const sdJwtText = String((sdJwtIssued.output as Record<string, unknown>).sdJwt);
    const inputs: Record<string, Parameters<typeof FORMATS.detect>[0]> = {
      'w3c-vc': { kind: 'json', json: outputs['w3c-vc']!.credential as Record<string, unknown> },
      'divoc-qr': {
        kind: 'text',
        text: String(outputs['divoc-qr']!.text),
        raw: String(outputs['divoc-qr']!.text),
        maxItems: 16,
      },
      'vc-compact': {
        kind: 'text',
        text: String(outputs['vc-compact']!.text),
        raw: String(outputs['vc-compact']!.text),
        maxItems: 16,
      },
      pixelpass: {
        kind: 'text',
        text: String(outputs.pixelpass!.text),
        raw: String(outputs.pixelpass!.text),
        maxItems: 16,
      },
      dcc: { kind: 'text', text: String(outputs.dcc!.hc1), raw: String(outputs.dcc!.hc1), maxItems: 16 },
      dvc: { kind: 'text', text: String(outputs.dvc!.hc1), raw: String(outputs.dvc!.hc1), maxItems: 16 },
      icvp: { kind: 'text', text: icvpText, raw: icvpText, maxItems: 16 },
      shc: { kind: 'text', text: String(outputs.shc!.jws), raw: String(outputs.shc!.jws), maxItems: 16 },
      vdsnc: { kind: 'json', json: JSON.parse(String(outputs.vdsnc!.json)) as Record<string, unknown> },
      'sd-jwt-vc': { kind: 'text', text: sdJwtText, raw: sdJwtText, maxItems: 16 },
    };
    expect(Object.keys(inputs)).toEqual(FORMATS.names);
    for (const name of FORMATS.names) {
      const found = FORMATS.detect(inputs[name]!);
      expect(found?.plugin.name, name).toBe(name);
      const decoded = await found!.plugin.decode(found!.detection.payload);
      const summary = found!.plugin.summarize(decoded.payload);
      expect(summary.event, name).toBe('vaccination');
      // DIVOC's v1 credential carries an age, not a birth date; every format that carries one carries the same.
      if (summary.dateOfBirth !== undefined) expect(summary.dateOfBirth, name).toBe('1990-05-15');
      expect(summary.name?.toUpperCase().replace(/[^A-Z]/g, ''), name).toMatch(/ASHA.*RAO|RAO.*ASHA/);
    }
  });
});

/* A format nobody here wrote before: one plugin, one registration, and the verifier decides trust for it. */

const TOY_PREFIX = 'TOY1:';
const encoder = new TextEncoder();

async function toyIssue(claims: { iss: string; name: string }, signer: Signer): Promise<string> {
  const body = base64urlEncode(encoder.encode(JSON.stringify({ ...claims, kid: signer.id })));
  const signature = await signer.sign(encoder.encode(body));
  return `${TOY_PREFIX}${body}.${base64urlEncode(signature)}`;
}

/** `reportSigner: false` is a plugin that forgets to report who signed: it must never produce a VALID result. */
function toyFormat(reportSigner: boolean): CredentialFormatPlugin<'toy'> {
  const read = (text: string) => {
    const [body = '', signature = ''] = text.slice(TOY_PREFIX.length).split('.');
    return {
      body,
      signature: base64urlDecode(signature),
      claims: JSON.parse(new TextDecoder().decode(base64urlDecode(body))) as Record<string, string>,
    };
  };
  return {
    name: 'toy',
    shortName: 'toy',
    title: 'Toy signed text',
    detect: (input) =>
      input.kind === 'text' && input.text.startsWith(TOY_PREFIX) ? { payload: input.text } : undefined,
    decode: (payload) => ({ payload: read(String(payload)).claims }),
    verify: async (payload, context): Promise<FormatEvidence> => {
      const { body, signature, claims } = read(String(payload));
      const evidence = evidenceFrom('toy', [passedCheck('decode')], context.details, 'ERR_TOY_KEY_EXPIRED');
      evidence.credential = claims;
      evidence.claimedIssuer = claims.iss!;
      for (const key of context.trust.store.resolve(claims.kid!)) {
        if (await verifySignature(key, 'EdDSA', encoder.encode(body), signature)) {
          evidence.checks.push(passedCheck('signature'));
          if (reportSigner) evidence.signer = key;
          return evidence;
        }
      }
      evidence.checks.push(failedCheck('signature', 'ERR_TOY_SIGNATURE_INVALID', 'no trusted key verifies it'));
      return evidence;
    },
    summarize: (credential) => ({ event: 'other', name: String((credential as { name?: unknown }).name) }),
    issuance: { mode: 'reencodes', source: 'w3c-vc', issue: () => ({ output: {} }) },
    files: { mainSuffix: '.toy.txt', main: () => '', bundle: () => '""' },
    apiOutput: () => undefined,
  };
}

describe('a new format is one plugin plus one registration; trust is still decided by the verifier', async () => {
  const keyA = await generateKeyPair('Ed25519');
  const signerA = createSigner(keyA, { id: 'did:web:a.example#key-1' });
  const trust = new Trust();
  trust.addTrustedKey(trustedKeyFromKeyPair(keyA, { id: 'did:web:a.example#key-1', controller: 'did:web:a.example' }));
  const registry: FormatRegistry = FORMATS.with(toyFormat(true));

  it('verifies a toy credential signed by A for A (control)', async () => {
    const text = await toyIssue({ iss: 'did:web:a.example', name: 'Asha' }, signerA);
    const result = await verify(text, { trust, registry });
    expect(result.format).toBe('toy');
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe('did:web:a.example');
    expect(result.summary.name).toBe('Asha');
  });

  it("A's key naming issuer B is INVALID with ERR_TRUST_ISSUER_MISMATCH: the plugin never decides that", async () => {
    const text = await toyIssue({ iss: 'did:web:b.example', name: 'Asha' }, signerA);
    const result = await verify(text, { trust, registry });
    expect(result.valid).toBe(false);
    expect(result.issuer).not.toBe('did:web:b.example');
    expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({
      ok: false,
      code: 'ERR_TRUST_ISSUER_MISMATCH',
    });
  });

  it('a plugin that forgets to report its signer is never VALID (control above: the same input reported)', async () => {
    const text = await toyIssue({ iss: 'did:web:a.example', name: 'Asha' }, signerA);
    const result = await verify(text, { trust, registry: FORMATS.with(toyFormat(false)) });
    expect(result.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
    expect(result.valid).toBe(false);
    expect(result.issuer).toBeNull();
  });

  it('without the registration the default verifier does not read it (control: with it, it does)', async () => {
    const text = await toyIssue({ iss: 'did:web:a.example', name: 'Asha' }, signerA);
    expect((await verify(text, { trust })).checks[0]).toMatchObject({ ok: false, code: 'ERR_INPUT_UNRECOGNIZED' });
    expect((await verify(text, { trust, registry })).format).toBe('toy');
  });
});

describe('the issuer issues a registered format with no change to the issuer', () => {
  /** A toy wrapping of the signed W3C VC: text any QR can hold. */
  const toyWrapping: CredentialFormatPlugin<'toy-vc'> = {
    ...toyFormat(true),
    name: 'toy-vc',
    shortName: 'toy-vc',
    detect: () => undefined,
    issuance: {
      mode: 'reencodes',
      source: 'w3c-vc',
      issue: ({ signed }) => {
        const text = `TOYVC:${base64urlEncode(encoder.encode(JSON.stringify(signed)))}`;
        return { output: { text }, qr: text };
      },
    },
  };

  it('makes the new format from the same signed credential, beside the others (control: FORMATS alone)', async () => {
    const fixture = await createFixture();
    const input = { record: RECORD, template: 'vaccination' };
    const options = { keys: { vc: fixture.keys.vc }, issuer: ISSUER, issuanceDate: ISSUED_AT, strict: true };
    const plain = await issueAllFormats(input, options);
    expect(Object.keys(plain.outputs)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass']);

    const issued = await issueAllFormats(input, { ...options, registry: FORMATS.with(toyWrapping) });
    const outputs = issued.outputs as Record<string, { text?: string; credential?: unknown }>;
    expect(Object.keys(outputs)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'toy-vc']);
    const carried = JSON.parse(new TextDecoder().decode(base64urlDecode(outputs['toy-vc']!.text!.slice(6))));
    expect(carried).toEqual(outputs['w3c-vc']!.credential);
  });
});
