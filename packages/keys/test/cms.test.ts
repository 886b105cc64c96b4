import { describe, expect, it } from 'vitest';
import { base64Decode, parseCertificate, verifyCmsDetachedSignature, type X509CertificateInfo } from '@divoc/keys';

/** Made with OpenSSL 3.0 (`openssl cms -sign -binary`, detached unless said): an independent CMS implementation. */
const FIXTURES = {
  /** A self-signed CA certificate (the signed content: an entry's rawData). */
  content:
    'MIIBuzCCAWGgAwIBAgIUAcDCLkTI7aggjikTNAP4EYNef+MwCgYIKoZIzj0EAwIwKjELMAkGA1UEBhMCREUxGzAZBgNVBAMMEkRJVk9DIHRlc3QgQ1NDQSBERTAgFw0yNjEyMDYwNjUyMzVaGA8yMTI2MTExMjA2NTIzNVowKjELMAkGA1UEBhMCREUxGzAZBgNVBAMMEkRJVk9DIHRlc3QgQ1NDQSBERTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABO9PJYQCh8Wga7LVvMPv6JCmSU7U1R4nUA7lyT8gCIHULlarYgIzMNSeLeyA6hoh0/YMgkeT/2tUWIpwZqkULA+jYzBhMB0GA1UdDgQWBBQP1hai3QZSIbwtzK74KfLzkxS0DzAfBgNVHSMEGDAWgBQP1hai3QZSIbwtzK74KfLzkxS0DzAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEApJKMn4MY3rr+8EIzXpBQ1PNL6bR2lveV+9ePScO7HD4CIBwdGV6IDCYYr5zCw16iabU3LnbQYoKJtrwi8k94RGdO',
  taEc: 'MIIBtjCCAV2gAwIBAgIUYvwX/lToIjga7nSTrOqW9izkI7wwCgYIKoZIzj0EAwIwMDELMAkGA1UEBhMCQkUxITAfBgNVBAMMGERJVk9DIHRlc3QgZ2F0ZXdheSBUQSBFQzAgFw0yNjEyMDYwNjUyMzVaGA8yMTI2MTExMjA2NTIzNVowMDELMAkGA1UEBhMCQkUxITAfBgNVBAMMGERJVk9DIHRlc3QgZ2F0ZXdheSBUQSBFQzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBk083UcY/aC8hd7iS1iYRBQVdTvAAay5ATF3Ecl+5gg/iOT1ykXGMSsmpEkd24Xpm2vfU4dZ3N6+4AOXb1lmU+jUzBRMB0GA1UdDgQWBBQz5WlBV3CWnq3t3i45jGyudSEuLzAfBgNVHSMEGDAWgBQz5WlBV3CWnq3t3i45jGyudSEuLzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIAaXKkRfBsbBIdD9UC2iS9bOEoQWqMBmIKBKJhuUsR0aAiBq7gtky4ofANgzp34OuklG9aDm9u1wNAN9BpFcYaP/Gg==',
  taRsa:
    'MIIDRTCCAi2gAwIBAgIUcx43yGspnr2BNjD8Nvzhnk3AQhcwDQYJKoZIhvcNAQELBQAwMTELMAkGA1UEBhMCQkUxIjAgBgNVBAMMGURJVk9DIHRlc3QgZ2F0ZXdheSBUQSBSU0EwIBcNMjYxMjA2MDY1MjM1WhgPMjEyNjExMTIwNjUyMzVaMDExCzAJBgNVBAYTAkJFMSIwIAYDVQQDDBlESVZPQyB0ZXN0IGdhdGV3YXkgVEEgUlNBMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArwMTgp/qGjVS1oN/h6dKBGAsDMIK02TL38vtN4nykoB+EOJNWfXQiBLpMiz/HaXRBfoTWksDXJGf2XXLAdKGEEQoAUtEzpcb7jGUZdfSe1c2u13Nd21ZStqR6nJENYxHBBTQmn4Z9T5tBq1I+r9HcPdgWg3WqUlAWcPh0FFEcvWlFTXXeBi64oECM027htRf5O1qjog09qxfDmjyIWfSfivDFvj9S0epo5L33Pn2AMmJhFvVN2GjZRvi24/6XkwPilompFn3W3jsESIupjSzIdHctoWhddINlBoICVbB4DpssJ0rzowuHzcoz1EIIM2XY11QTMypCofz6ukX+bBHDwIDAQABo1MwUTAdBgNVHQ4EFgQUMa8oxAluQgSXMLpOC+VM+1Fenp0wHwYDVR0jBBgwFoAUMa8oxAluQgSXMLpOC+VM+1Fenp0wDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAYGsfncWa+2gXDNqyEsMwMklqosR7sAfafM8bJzDBmmbkyY7gy/K1EDhlG5qSvrQ++beHWVyCd+HtUfFrDDj8YnUMVSQtUJFR8UccN6OwwKXT3b4qPpIyL9fVw3pAhWBiE4GyJiP79XRbJ+TAYHoQdmc9HkCn81VCArlpIKuWD2GsJ70A199Psegt0Sa3PPXVCKZn/nR6bBuyqy42Kfx/O2EEkCm+YZzBISUBuqzemFW8zjOcDKtR2aXolAnPhPkWFRsrLbUbYHksHyq75rMkRsfR9FJMSdC3oOxNs46U0xrvm+WdOFUwYBqqWPj9FQO219iTu70YzBQ94MlAF5dp/Q==',
  /** ECDSA P-256 / SHA-256, signed attributes, the signer certificate embedded (as the gateway's CMS). */
  ec: 'MIIDjwYJKoZIhvcNAQcCoIIDgDCCA3wCAQExDTALBglghkgBZQMEAgEwCwYJKoZIhvcNAQcBoIIBujCCAbYwggFdoAMCAQICFGL8F/5U6CI4Gu50k6zqlvYs5CO8MAoGCCqGSM49BAMCMDAxCzAJBgNVBAYTAkJFMSEwHwYDVQQDDBhESVZPQyB0ZXN0IGdhdGV3YXkgVEEgRUMwIBcNMjYxMjA2MDY1MjM1WhgPMjEyNjExMTIwNjUyMzVaMDAxCzAJBgNVBAYTAkJFMSEwHwYDVQQDDBhESVZPQyB0ZXN0IGdhdGV3YXkgVEEgRUMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQZNPN1HGP2gvIXe4ktYmEQUFXU7wAGsuQExdxHJfuYIP4jk9cpFxjErJqRJHduF6Ztr31OHWdzevuADl29ZZlPo1MwUTAdBgNVHQ4EFgQUM+VpQVdwlp6t7d4uOYxsrnUhLi8wHwYDVR0jBBgwFoAUM+VpQVdwlp6t7d4uOYxsrnUhLi8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAGlypEXwbGwSHQ/VAtokvWzhKEFqjAZiCgSiYblLEdGgIgau4LZMuKHwDYM6d+DrpJRvWg5vbtcDQDfQaRXGGj/xoxggGbMIIBlwIBATBIMDAxCzAJBgNVBAYTAkJFMSEwHwYDVQQDDBhESVZPQyB0ZXN0IGdhdGV3YXkgVEEgRUMCFGL8F/5U6CI4Gu50k6zqlvYs5CO8MAsGCWCGSAFlAwQCAaCB5DAYBgkqhkiG9w0BCQMxCwYJKoZIhvcNAQcBMBwGCSqGSIb3DQEJBTEPFw0yNjEyMDYwNjUyMzVaMC8GCSqGSIb3DQEJBDEiBCBKCDfCGRa9ZhYUTfU3VZF5xc6cKaNaPkQ+Q0kHW6l61TB5BgkqhkiG9w0BCQ8xbDBqMAsGCWCGSAFlAwQBKjALBglghkgBZQMEARYwCwYJYIZIAWUDBAECMAoGCCqGSIb3DQMHMA4GCCqGSIb3DQMCAgIAgDANBggqhkiG9w0DAgIBQDAHBgUrDgMCBzANBggqhkiG9w0DAgIBKDAKBggqhkjOPQQDAgRIMEYCIQDnh9IOSgUwhnKlxXCBg+YFpXeKzwOTRmqZpuu9/1PUAgIhAOZWvmt1B1WhpcoxBp3LWNj6nr86Jzr+8Gw/6dDInsxB',
  /** ECDSA, no signed attributes (-noattr -nocerts). */
  ecNoAttributes:
    'MIHlBgkqhkiG9w0BBwKggdcwgdQCAQExDTALBglghkgBZQMEAgEwCwYJKoZIhvcNAQcBMYGyMIGvAgEBMEgwMDELMAkGA1UEBhMCQkUxITAfBgNVBAMMGERJVk9DIHRlc3QgZ2F0ZXdheSBUQSBFQwIUYvwX/lToIjga7nSTrOqW9izkI7wwCwYJYIZIAWUDBAIBMAoGCCqGSM49BAMCBEcwRQIhAOk7DILSlpz8FQCmPrsB5SDXG87KXvBT76FENBt8r6b1AiAP2eEqEnZ+waotAOWFQuQyEokptY9DnWlyAvn3+dmvlQ==',
  /** RSA PKCS#1 v1.5 (SignerInfo names rsaEncryption), signed attributes. */
  rsa: 'MIICjwYJKoZIhvcNAQcCoIICgDCCAnwCAQExDTALBglghkgBZQMEAgEwCwYJKoZIhvcNAQcBMYICWTCCAlUCAQEwSTAxMQswCQYDVQQGEwJCRTEiMCAGA1UEAwwZRElWT0MgdGVzdCBnYXRld2F5IFRBIFJTQQIUcx43yGspnr2BNjD8Nvzhnk3AQhcwCwYJYIZIAWUDBAIBoIHkMBgGCSqGSIb3DQEJAzELBgkqhkiG9w0BBwEwHAYJKoZIhvcNAQkFMQ8XDTI2MTIwNjA2NTIzNVowLwYJKoZIhvcNAQkEMSIEIEoIN8IZFr1mFhRN9TdVkXnFzpwpo1o+RD5DSQdbqXrVMHkGCSqGSIb3DQEJDzFsMGowCwYJYIZIAWUDBAEqMAsGCWCGSAFlAwQBFjALBglghkgBZQMEAQIwCgYIKoZIhvcNAwcwDgYIKoZIhvcNAwICAgCAMA0GCCqGSIb3DQMCAgFAMAcGBSsOAwIHMA0GCCqGSIb3DQMCAgEoMA0GCSqGSIb3DQEBAQUABIIBAFByQUwAhvtcH7hEZ5s0nUTCAq/UGNddMBUOBpUnuPKI3bK7nSVok4jgLmpF3uCgPP2IJTTetcAimJnmstR1BSh2Zu4wIwHTdFSFswPVNZdntDOP8dIOp8qi8XQnk4FXi9+0cFEpRbC/DgrGBYVTqXlX/IXVRANZ9uUgVBgKgUxZ+gr6Ud6wHy01gR0XAvQfihI6ETN/Lh5yUi4iZzTijgJ+1bKeYxs8HTfCyaQWBJ9fQ6RPpV1Pu/n6WkeM0r4ooq8Ve1qAGaUE4NZ07+a0CFM7Ar5fUW2XhYy8TpZOyj9DVkW+sKER6k44I2Gzc3F3P3W5OV12z5PLLjuCsyVAal4=',
  /** RSASSA-PSS (-keyopt rsa_padding_mode:pss). */
  rsaPss:
    'MIICxAYJKoZIhvcNAQcCoIICtTCCArECAQExDTALBglghkgBZQMEAgEwCwYJKoZIhvcNAQcBMYICjjCCAooCAQEwSTAxMQswCQYDVQQGEwJCRTEiMCAGA1UEAwwZRElWT0MgdGVzdCBnYXRld2F5IFRBIFJTQQIUcx43yGspnr2BNjD8Nvzhnk3AQhcwCwYJYIZIAWUDBAIBoIHkMBgGCSqGSIb3DQEJAzELBgkqhkiG9w0BBwEwHAYJKoZIhvcNAQkFMQ8XDTI2MTIwNjA2NTIzNVowLwYJKoZIhvcNAQkEMSIEIEoIN8IZFr1mFhRN9TdVkXnFzpwpo1o+RD5DSQdbqXrVMHkGCSqGSIb3DQEJDzFsMGowCwYJYIZIAWUDBAEqMAsGCWCGSAFlAwQBFjALBglghkgBZQMEAQIwCgYIKoZIhvcNAwcwDgYIKoZIhvcNAwICAgCAMA0GCCqGSIb3DQMCAgFAMAcGBSsOAwIHMA0GCCqGSIb3DQMCAgEoMEIGCSqGSIb3DQEBCjA1oA8wDQYJYIZIAWUDBAIBBQChHDAaBgkqhkiG9w0BAQgwDQYJYIZIAWUDBAIBBQCiBAICAN4EggEAcVW40pmipbyClJA06ovSGYaWAEGHK9Wwv8bzqg5uIAxnuJWmDRMCIr/Xu1L6jdAjHNjeOuSmtkzjjuu7d3Eivnyc44BgSub3hHsQJ9xZm/0aoS+TGTEbgraALM4fiIfuWhZBZm3lVDn0AjcqRsxRZiEzh4Df94BYGQoNk5y5CqmiQbc2qLa1mwXAz4VIeO2Vdd8jeVZgmA1WbXpBboKTDYX2LsSikwPpTCqcVvSTNLx8WbpTC//3sghg6Uv6loESmECwCEgHLNRgS6BFsReMx3LVbckf3rbrgqs29mFFF8GEFbNL3LG9HLBBkcbjyZzF4iQitpga1lsLUESflWAQDA==',
  /** ECDSA with SHA-384 digest, the content embedded (-nodetach). */
  ecEmbeddedSha384:
    'MIIDqgYJKoZIhvcNAQcCoIIDmzCCA5cCAQExDTALBglghkgBZQMEAgIwggHSBgkqhkiG9w0BBwGgggHDBIIBvzCCAbswggFhoAMCAQICFAHAwi5EyO2oII4pEzQD+BGDXn/jMAoGCCqGSM49BAMCMCoxCzAJBgNVBAYTAkRFMRswGQYDVQQDDBJESVZPQyB0ZXN0IENTQ0EgREUwIBcNMjYxMjA2MDY1MjM1WhgPMjEyNjExMTIwNjUyMzVaMCoxCzAJBgNVBAYTAkRFMRswGQYDVQQDDBJESVZPQyB0ZXN0IENTQ0EgREUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATvTyWEAofFoGuy1bzD7+iQpklO1NUeJ1AO5ck/IAiB1C5Wq2ICMzDUni3sgOoaIdP2DIJHk/9rVFiKcGapFCwPo2MwYTAdBgNVHQ4EFgQUD9YWot0GUiG8Lcyu+Cny85MUtA8wHwYDVR0jBBgwFoAUD9YWot0GUiG8Lcyu+Cny85MUtA8wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSAAwRQIhAKSSjJ+DGN66/vBCM16QUNTzS+m0dpb3lfvXj0nDuxw+AiAcHRleiAwmGK+cwsNeomm1Ny520GKCiba8IvJPeERnTjGCAaswggGnAgEBMEgwMDELMAkGA1UEBhMCQkUxITAfBgNVBAMMGERJVk9DIHRlc3QgZ2F0ZXdheSBUQSBFQwIUYvwX/lToIjga7nSTrOqW9izkI7wwCwYJYIZIAWUDBAICoIH0MBgGCSqGSIb3DQEJAzELBgkqhkiG9w0BBwEwHAYJKoZIhvcNAQkFMQ8XDTI2MTIwNjA2NTIzNVowPwYJKoZIhvcNAQkEMTIEMHv1nDtJYlJvzXAz8BRnj4J0MqA0OTDTAacQ3lgSK3mjemQdxRFtf1B3F45VG4lqazB5BgkqhkiG9w0BCQ8xbDBqMAsGCWCGSAFlAwQBKjALBglghkgBZQMEARYwCwYJYIZIAWUDBAECMAoGCCqGSIb3DQMHMA4GCCqGSIb3DQMCAgIAgDANBggqhkiG9w0DAgIBQDAHBgUrDgMCBzANBggqhkiG9w0DAgIBKDAKBggqhkjOPQQDAwRIMEYCIQDSYFmLan7Wlp/Dtc8qK3SqWfSiMjIQzqmV4zyfFBgoSwIhANFLYLH1LdSbwr/rGOf5o6BEdiFzj9g8MSnbhHr41TcT',
};

const bytes = (b64: string): Uint8Array => base64Decode(b64);
const content = bytes(FIXTURES.content);
const taEc = parseCertificate(bytes(FIXTURES.taEc));
const taRsa = parseCertificate(bytes(FIXTURES.taRsa));

async function check(cms: string, signed: Uint8Array, keys: readonly X509CertificateInfo[]) {
  return verifyCmsDetachedSignature(bytes(cms), signed, keys);
}

describe('verifyCmsDetachedSignature (CMS SignedData, RFC 5652) against OpenSSL-made signatures', () => {
  it.each([
    ['ECDSA with signed attributes', 'ec', 'ec'],
    ['ECDSA without signed attributes', 'ecNoAttributes', 'ec'],
    ['RSA PKCS#1 v1.5', 'rsa', 'rsa'],
    ['RSASSA-PSS', 'rsaPss', 'rsa'],
    ['ECDSA SHA-384, content embedded', 'ecEmbeddedSha384', 'ec'],
  ] as const)('%s verifies with its signer key, and with no other', async (_name, fixture, signer) => {
    const right = signer === 'ec' ? taEc : taRsa;
    const wrong = signer === 'ec' ? taRsa : taEc;
    const ok = await check(FIXTURES[fixture], content, [wrong, right]);
    expect(ok).toMatchObject({ valid: true });
    expect(ok.valid && ok.signer).toBe(right);
    expect(await check(FIXTURES[fixture], content, [wrong])).toMatchObject({
      valid: false,
      reason: 'the signature does not verify with any of the given keys',
    });
  });

  it('other content, a changed signature, junk and an empty key list are refused', async () => {
    const other = bytes(FIXTURES.taEc);
    expect((await check(FIXTURES.ec, other, [taEc])).valid).toBe(false);
    expect((await check(FIXTURES.ecNoAttributes, other, [taEc])).valid).toBe(false);
    // Embedded content must be the content the caller checks.
    expect(await check(FIXTURES.ecEmbeddedSha384, other, [taEc])).toMatchObject({
      valid: false,
      reason: 'the embedded content is not the signed certificate',
    });
    const flipped = bytes(FIXTURES.rsa);
    flipped[flipped.length - 10]! ^= 0x01;
    expect(await verifyCmsDetachedSignature(flipped, content, [taRsa])).toMatchObject({ valid: false });
    expect(
      await verifyCmsDetachedSignature(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), content, [taEc]),
    ).toMatchObject({ valid: false });
    expect(await verifyCmsDetachedSignature(new TextEncoder().encode('junk signature'), content, [taEc])).toMatchObject(
      { valid: false },
    );
    expect(await verifyCmsDetachedSignature(new Uint8Array(), content, [taEc])).toMatchObject({
      valid: false,
      reason: 'the signature is empty',
    });
    expect(await check(FIXTURES.ec, content, [])).toMatchObject({
      valid: false,
      reason: 'no key to check the signature with',
    });
  });

  it('a CMS whose message-digest attribute is for other content is refused', async () => {
    // Same signed attributes, re-signed nowhere: swap the content and the digest no longer matches.
    const result = await check(FIXTURES.rsa, bytes(FIXTURES.taRsa), [taRsa]);
    expect(result).toMatchObject({
      valid: false,
      reason: 'the message-digest attribute does not match the certificate',
    });
  });
});
