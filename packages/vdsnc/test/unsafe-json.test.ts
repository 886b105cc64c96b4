import { describe, expect, it } from 'vitest';
import { decodeVdsnc, isVdsncError, verifyVdsnc, VdsncUnsafeJsonError } from '../src/index.js';
import { thrownBy } from '../../../test/support/errors.js';
import { vectorText } from '../../../test/support/vectors.js';

// "What was signed is what is read": the seal signs the JCS form of `data`, and JSON.parse keeps the last of two
// same-named members, so `"n":"Evil", …, "n":"CITIZEN  JOHN"` still verified while a display reading the first
// showed "Evil". Duplicate and `__proto__` / `constructor` / `prototype` members now fail decode with the JSON codes.

const AU_VALID = vectorText('vdsnc/au-citizen-john-valid.json');
const AU_CSCA = vectorText('vdsnc/au-csca-root.der.b64').trim();
const options = { cscaCertificates: [AU_CSCA], now: new Date('2022-01-15T00:00:00Z') };

const NAME = '"n": "CITIZEN  JOHN"';
const withDuplicateName = AU_VALID.replace(NAME, `"n": "Evil", ${NAME}`);
const withProto = AU_VALID.replace('"pid": {', '"pid": {"__proto__": {"n": "Evil"}, ');

describe('VDS-NC: duplicate and forbidden JSON members', () => {
  it('control: the untampered seal verifies (text, bytes and object)', async () => {
    for (const input of [AU_VALID, new TextEncoder().encode(AU_VALID), JSON.parse(AU_VALID) as object]) {
      const result = await verifyVdsnc(input, options);
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('the tampered texts really differ from the vector only by the inserted member', () => {
    expect(withDuplicateName).not.toBe(AU_VALID);
    expect(JSON.parse(withDuplicateName)).toEqual(JSON.parse(AU_VALID)); // JSON.parse hides the duplicate entirely
    expect(withProto).not.toBe(AU_VALID);
  });

  it(
    'a duplicated "n" (attacker value first, the signed value last) ' + 'fails decode with ERR_JSON_DUPLICATE_KEY',
    async () => {
      for (const input of [withDuplicateName, new TextEncoder().encode(withDuplicateName)]) {
        const result = await verifyVdsnc(input, options);
        expect(result.valid).toBe(false);
        expect(result.checks).toEqual([
          {
            name: 'decode',
            ok: false,
            code: 'ERR_JSON_DUPLICATE_KEY',
            message: expect.stringContaining('$.data.msg.pid.n'),
          },
        ]);
      }
      const thrown = thrownBy(() => decodeVdsnc(withDuplicateName));
      expect(thrown).toBeInstanceOf(VdsncUnsafeJsonError);
      expect(isVdsncError(thrown)).toBe(true);
    },
  );

  it('a "__proto__" member fails decode with ERR_JSON_FORBIDDEN_KEY, as text and as a parsed object', async () => {
    for (const input of [withProto, JSON.parse(withProto) as object]) {
      const result = await verifyVdsnc(input, options);
      expect(result.valid).toBe(false);
      expect(result.checks).toEqual([
        {
          name: 'decode',
          ok: false,
          code: 'ERR_JSON_FORBIDDEN_KEY',
          message: expect.stringContaining('$.data.msg.pid.__proto__'),
        },
      ]);
    }
  });

  it('constructor / prototype members too', async () => {
    for (const name of ['constructor', 'prototype']) {
      const result = await verifyVdsnc(AU_VALID.replace('"hdr": {', `"hdr": {"${name}": 1, `), options);
      expect(result.checks).toEqual([expect.objectContaining({ name: 'decode', code: 'ERR_JSON_FORBIDDEN_KEY' })]);
    }
  });
});
