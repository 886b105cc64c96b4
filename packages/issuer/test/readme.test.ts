import { expect, it } from 'vitest';
import { createSigner, exportPublicJwk, generateKeyPair, verificationMethodId } from '@divoc/keys';
import * as dcc from '@divoc/dcc';
import * as vdsnc from '@divoc/vdsnc';
import { issueAllFormats } from '../src/index.js';

it('the README example runs as written', async () => {
  const vcKey = await generateKeyPair('Ed25519');
  const dsc = await dcc.createDevelopmentSigner({ csca: await dcc.createDevelopmentCsca({ country: 'IN' }) });
  const bsc = await vdsnc.createDevelopmentSigner({ csca: await vdsnc.createDevelopmentCsca({ country: 'IN' }) });
  const shcKey = await generateKeyPair('P-256');
  const record = {
    refId: 'R-1002',
    name: 'राजेश कुमार',
    nameLatin: 'Rajesh Kumar',
    dob: '1990-01-15',
    gender: 'Male',
    vaccine: 'Covishield',
    batch: 'AB348FS',
    vaccinationDate: '2021-07-12',
    dose: 1,
    totalDoses: 2,
    facilityName: 'PHC Rohini',
    facilityCountry: 'IN',
    vaccinatorName: 'Dr. Meera Rao',
  };
  const result = await issueAllFormats(
    { template: 'vaccination-v2', record },
    {
      issuer: 'https://divoc.example',
      certificateIssuerName: 'Ministry of Health',
      keys: {
        vc: createSigner(vcKey, { id: verificationMethodId(vcKey) }),
        dcc: { signer: dsc.signer, certificate: dsc.certificate },
        vdsnc: { signer: bsc.signer, certificate: bsc.certificate },
        shc: { signer: createSigner(shcKey, { id: 'shc' }), key: exportPublicJwk(shcKey) as JsonWebKey },
      },
      qr: 'png',
    },
  );
  expect(result.certificateId).toBe('79c71cdb-e980-8a4b-b8dd-74273989d130');
  expect(result.identifiers).toEqual({
    hcid: result.certificateId,
    uvci: expect.stringMatching(/^URN:UVCI:01:IN:79C71CDBE9808A4BB8DD74273989D130#/),
    vdsnc: '79C71CDBE980',
  });
  expect(result.ddcc.person.name.latin?.text).toBe('Rajesh Kumar');
  expect(result.outputs.dcc!.payload.nam).toEqual({ fn: 'कुमार', fnt: 'KUMAR', gn: 'राजेश', gnt: 'RAJESH' });
  expect(Object.keys(result.outputs)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'dcc', 'shc', 'vdsnc']);
  expect(result.errors).toBeUndefined();

  const corbevax = await issueAllFormats(
    { template: 'vaccination-v2', record: { ...record, vaccine: 'Corbevax' } },
    { issuer: 'https://divoc.example', keys: { dcc: { signer: dsc.signer, certificate: dsc.certificatePem } } },
  );
  expect(corbevax.errors!.dcc!.code).toBe('ERR_ISSUER_VALUE_UNMAPPABLE');
});
