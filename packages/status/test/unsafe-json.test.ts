import { describe, expect, it } from 'vitest';
import {
  checkDivocRevocation,
  createDccRevocationList,
  createDivocRevocationList,
  createStatusList,
  isDivocCertificateRevoked,
  isStatusError,
  loadStatusList,
  parseStatusListCredential,
  revoke,
  serializeStatusList,
  statusListCredential,
} from '../src/index.js';

// Status and revocation lists are read strictly: `{"revoked":[…],"revoked":[]}` must not quietly read as an empty
// list (JSON.parse keeps the last value), and a `__proto__` member is refused. The list's own error is thrown, with
// the JSON error as its cause and its code in the message.

function refusal(fn: () => unknown): { code: string; causeCode: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    expect(isStatusError(error), String(error)).toBe(true);
    const e = error as { code: string; message: string; cause?: { code?: string } };
    return { code: e.code, causeCode: e.cause?.code, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('status and revocation lists: duplicate and forbidden JSON members', () => {
  const REVOKED = '{"certificateId":"244768056"}';

  it('DIVOC revocation list: control reads; a second "revoked" (empty, last) is refused', () => {
    const control = createDivocRevocationList(`{"revoked":[${REVOKED}]}`);
    expect(isDivocCertificateRevoked(control, '244768056')).toBe(true);
    const refused = refusal(() => createDivocRevocationList(`{"revoked":[${REVOKED}],"replaced":[],"revoked":[]}`));
    expect(refused).toMatchObject({ code: 'ERR_REVOCATION_LIST_INVALID', causeCode: 'ERR_JSON_DUPLICATE_KEY' });
    expect(refused.message).toContain('ERR_JSON_DUPLICATE_KEY');
    expect(refused.message).toContain('$.revoked');
  });

  it('DIVOC revocation list: a "__proto__" member, in text or as an own member of an object, is refused', () => {
    const text = `{"__proto__":{"revoked":[]},"revoked":[${REVOKED}]}`;
    expect(refusal(() => createDivocRevocationList(text))).toMatchObject({
      code: 'ERR_REVOCATION_LIST_INVALID',
      causeCode: 'ERR_JSON_FORBIDDEN_KEY',
    });
    expect(refusal(() => createDivocRevocationList(JSON.parse(text)))).toMatchObject({
      code: 'ERR_REVOCATION_LIST_INVALID',
      causeCode: 'ERR_JSON_FORBIDDEN_KEY',
    });
  });

  it('checkDivocRevocation: a credential text naming the certificate id twice does not pass', () => {
    const list = createDivocRevocationList(`{"revoked":[${REVOKED}]}`);
    const credential = (id: string) => `{"evidence":[{"certificateId":${id}}]}`;
    expect(checkDivocRevocation(credential('"244768056"'), list)).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
    const check = checkDivocRevocation('{"evidence":[{"certificateId":"244768056","certificateId":"1"}]}', list);
    expect(check).toMatchObject({ ok: false, code: 'ERR_STATUS_ID_MISSING' });
    expect(check.message).toContain('ERR_JSON_DUPLICATE_KEY');
  });

  it('status list credential: control reads; a duplicated encodedList is refused', () => {
    const list = createStatusList({ id: 'https://divoc.dev/status/revocation/1', statusPurpose: 'revocation' });
    revoke(list, 3);
    const text = JSON.stringify(
      statusListCredential(list, { issuer: 'did:example:issuer', validFrom: '2024-01-01T00:00:00Z' }),
    );
    expect(parseStatusListCredential(text).bits[0]).toBe(0b0001_0000);
    const empty = JSON.stringify(
      statusListCredential(
        createStatusList({ id: 'https://divoc.dev/status/revocation/1', statusPurpose: 'revocation' }),
        { issuer: 'did:example:issuer' },
      ),
    );
    const emptyList = (JSON.parse(empty) as { credentialSubject: { encodedList: string } }).credentialSubject
      .encodedList;
    const tampered = text.replace('"encodedList":', `"encodedList":"${emptyList}","encodedList":`);
    expect(tampered).not.toBe(text);
    expect(refusal(() => parseStatusListCredential(tampered))).toMatchObject({
      code: 'ERR_STATUS_LIST_INVALID',
      causeCode: 'ERR_JSON_DUPLICATE_KEY',
    });
    expect(refusal(() => parseStatusListCredential(new TextEncoder().encode(tampered)))).toMatchObject({
      causeCode: 'ERR_JSON_DUPLICATE_KEY',
    });
  });

  it('serialized status list and DCC revocation list: forbidden members are refused', () => {
    const list = createStatusList({ id: 'https://divoc.dev/status/revocation/1', statusPurpose: 'revocation' });
    const serialized = serializeStatusList(list);
    expect(() => loadStatusList(serialized)).not.toThrow();
    const text = typeof serialized === 'string' ? serialized : JSON.stringify(serialized);
    const withConstructor = text.replace('{', '{"constructor":{"name":"x"},');
    expect(refusal(() => loadStatusList(withConstructor))).toMatchObject({
      code: 'ERR_STATUS_LIST_INVALID',
      causeCode: 'ERR_JSON_FORBIDDEN_KEY',
    });
    const dcc =
      '{"kid":"AAECAwQFBgc=","hashType":"SIGNATURE","expires":"2030-01-01T00:00:00Z","hashes":[],"prototype":1}';
    expect(refusal(() => createDccRevocationList(dcc))).toMatchObject({
      code: 'ERR_REVOCATION_LIST_INVALID',
      causeCode: 'ERR_JSON_FORBIDDEN_KEY',
    });
  });
});
