import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeShc, isShcError, readHealthCardFile, ShcUnsafeJsonError, verifyShc, type ShcInput } from '@divoc/shc';
import { exampleSigningKey, exampleStore, vector } from './helpers.js';
import { thrownBy } from '../../../test/support/errors.js';

// "What was signed is what is read": JSON.parse keeps the last of two same-named members while another reader may
// take the first, so a card whose (signed) payload says `"family":"Evil", "family":"Anyperson"` must not verify.
// Duplicate and `__proto__` / `constructor` / `prototype` members fail decode with the JSON codes.

const { kid, signer } = exampleSigningKey();
const now = new Date('2025-01-01T00:00:00Z');
const PAYLOAD = vector('examples/example-00-c-jws-payload-minified.json').trim();
const jws00 = vector('examples/example-00-d-jws.txt').trim();
const jws02 = vector('examples/example-02-d-jws.txt').trim();

const b64 = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

/** A JWS signed with the real example key over exactly this header and payload text: the signature is valid. */
async function sign(
  payloadText: string,
  headerText = JSON.stringify({ zip: 'DEF', alg: 'ES256', kid }),
): Promise<string> {
  const input = `${b64(headerText)}.${b64(deflateRawSync(payloadText))}`;
  return `${input}.${b64(await signer.sign(new TextEncoder().encode(input)))}`;
}

async function expectDecodeCode(input: unknown, code: string): Promise<void> {
  const thrown = thrownBy(() => decodeShc(input as ShcInput));
  expect(thrown).toBeInstanceOf(ShcUnsafeJsonError);
  expect(isShcError(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
  const result = await verifyShc(input as ShcInput, { trust: exampleStore(), now });
  expect(result.valid).toBe(false);
  expect(result.checks).toEqual([expect.objectContaining({ name: 'decode', ok: false, code })]);
}

describe('SMART Health Cards: duplicate and forbidden JSON members', () => {
  const FAMILY = '"family":"Anyperson"';
  const duplicated = PAYLOAD.replace(FAMILY, `"family":"Evil",${FAMILY}`);
  const proto = PAYLOAD.replace('"resourceType":"Patient",', '"resourceType":"Patient","__proto__":{"family":"Evil"},');

  it('control: the untampered payload, signed the same way, verifies', async () => {
    const result = await verifyShc(await sign(PAYLOAD), { trust: exampleStore(), now });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(duplicated).not.toBe(PAYLOAD);
    expect(JSON.parse(duplicated)).toEqual(JSON.parse(PAYLOAD)); // JSON.parse alone cannot tell
  });

  it(
    'a signed payload with a duplicated member (attacker value first, last one read by JSON.parse) → ' +
      'ERR_JSON_DUPLICATE_KEY',
    async () => {
      await expectDecodeCode(await sign(duplicated), 'ERR_JSON_DUPLICATE_KEY');
    },
  );

  it('a signed payload with a "__proto__" member → ERR_JSON_FORBIDDEN_KEY', async () => {
    await expectDecodeCode(await sign(proto), 'ERR_JSON_FORBIDDEN_KEY');
  });

  it('a JWS header naming "alg" twice → ERR_JSON_DUPLICATE_KEY', async () => {
    await expectDecodeCode(
      await sign(PAYLOAD, `{"zip":"DEF","alg":"none","alg":"ES256","kid":"${kid}"}`),
      'ERR_JSON_DUPLICATE_KEY',
    );
  });

  it(
    'a .smart-health-card file naming "verifiableCredential" twice → ' + 'ERR_JSON_DUPLICATE_KEY (text and bytes)',
    async () => {
      const control = `{"verifiableCredential":["${jws00}"]}`;
      expect((await verifyShc(control, { trust: exampleStore(), now })).valid).toBe(true);
      const file = `{"verifiableCredential":["${jws02}"],"verifiableCredential":["${jws00}"]}`;
      await expectDecodeCode(file, 'ERR_JSON_DUPLICATE_KEY');
      await expectDecodeCode(new TextEncoder().encode(file), 'ERR_JSON_DUPLICATE_KEY');
      expect(() => readHealthCardFile(file)).toThrow(expect.objectContaining({ code: 'ERR_JSON_DUPLICATE_KEY' }));
    },
  );

  it('a parsed .smart-health-card object with an own "__proto__" member → ERR_JSON_FORBIDDEN_KEY', async () => {
    const file = JSON.parse(
      `{"__proto__":{"verifiableCredential":["${jws02}"]},"verifiableCredential":["${jws00}"]}`,
    ) as object;
    await expectDecodeCode(file, 'ERR_JSON_FORBIDDEN_KEY');
    expect(() => readHealthCardFile(file as never)).toThrow(
      expect.objectContaining({ code: 'ERR_JSON_FORBIDDEN_KEY' }),
    );
  });
});
