import { describe, expect, it } from 'vitest';
import { dccValueSets, knownVaccines, lookupValueSet, resolveVaccine, ICD11_COVID19_VACCINE } from '@divoc/schemas';
import { readVector } from './helpers.js';

describe('EU DCC value sets', () => {
  it('are the published files, unchanged', () => {
    expect(dccValueSets.vaccineMedicinalProduct).toEqual(readVector('dcc/valuesets/vaccine-medicinal-product.json'));
    expect(dccValueSets.vaccineMahManf).toEqual(readVector('dcc/valuesets/vaccine-mah-manf.json'));
    expect(dccValueSets.countryCodes).toEqual(readVector('dcc/valuesets/country-2-codes.json'));
    expect(dccValueSets.testManufacturer).toEqual(readVector('dcc/valuesets/test-manf-example.json'));
    expect(dccValueSets.vaccineEncodingInstructions).toEqual(
      readVector('dcc/valuesets/vaccine-encoding-instructions.json'),
    );
  });

  it('are frozen', () => {
    expect(Object.isFrozen(dccValueSets.vaccineMedicinalProduct.valueSetValues)).toBe(true);
    expect(() => {
      (dccValueSets.countryCodes.valueSetValues as Record<string, unknown>).XX = {};
    }).toThrow(TypeError);
  });

  it('lookupValueSet finds codes and nothing inherited', () => {
    expect(lookupValueSet('vaccineMedicinalProduct', 'EU/1/20/1528')?.display).toBe('Comirnaty');
    expect(lookupValueSet('countryCodes', 'IN')?.display).toBe('India');
    expect(lookupValueSet('testResult', '260415000')?.display).toBe('Not detected');
    expect(lookupValueSet('vaccineMedicinalProduct', 'nope')).toBeUndefined();
    expect(lookupValueSet('vaccineMedicinalProduct', '__proto__')).toBeUndefined();
    expect(lookupValueSet('vaccineMedicinalProduct', 'toString')).toBeUndefined();
    expect(lookupValueSet('nope' as 'countryCodes', 'IN')).toBeUndefined();
    expect(lookupValueSet('vaccineEncodingInstructions' as 'countryCodes', 'Comirnaty')).toBeUndefined();
  });
});

describe('resolveVaccine', () => {
  it.each([
    ['Covishield', 'Covishield', 'XM9QW8', 'Covishield', 'ORG-100001981'],
    ['COVISHIELD', 'Covishield', 'XM9QW8', 'Covishield', 'ORG-100001981'],
    ['covi shield', 'Covishield', 'XM9QW8', 'Covishield', 'ORG-100001981'],
    ['Covaxin', 'Covaxin', 'XM1NL1', 'Covaxin', 'Bharat-Biotech'],
    ['Sputnik V', 'Sputnik V', 'XM9QW8', 'Sputnik-V', 'Gamaleya-Research-Institute'],
    ['SPUTNIK-V', 'Sputnik V', 'XM9QW8', 'Sputnik-V', 'Gamaleya-Research-Institute'],
    ['ZyCoV-D', 'ZyCoV-D', 'XM6AT1', undefined, undefined],
    ['Corbevax', 'Corbevax', 'XM5JC5', undefined, undefined],
    ['Covovax', 'Covovax', 'XM5JC5', 'Covovax', 'ORG-100001981'],
    ['Moderna', 'Spikevax', 'XM0GQ8', 'EU/1/20/1507', 'ORG-100031184'],
    ['Moderna/Spikevax', 'Spikevax', 'XM0GQ8', 'EU/1/20/1507', 'ORG-100031184'],
    ['Pfizer', 'Comirnaty', 'XM0GQ8', 'EU/1/20/1528', 'ORG-100030215'],
    ['Pfizer-BioNTech (Comirnaty)', 'Comirnaty', 'XM0GQ8', 'EU/1/20/1528', 'ORG-100030215'],
    ['Janssen', 'Jcovden', 'XM9QW8', 'EU/1/20/1525', 'ORG-100001417'],
    ['Sinopharm', 'BBIBP-CorV', 'XM1NL1', 'BBIBP-CorV', 'ORG-100020693'],
    ['BBIBP', 'BBIBP-CorV', 'XM1NL1', 'BBIBP-CorV', 'ORG-100020693'],
    ['Sinovac', 'CoronaVac', 'XM1NL1', 'CoronaVac', 'Sinovac-Biotech'],
    ['CoronaVac', 'CoronaVac', 'XM1NL1', 'CoronaVac', 'Sinovac-Biotech'],
    ['AstraZeneca', 'Vaxzevria', 'XM9QW8', 'EU/1/21/1529', 'ORG-100001699'],
    ['  vaxzevria ', 'Vaxzevria', 'XM9QW8', 'EU/1/21/1529', 'ORG-100001699'],
  ])('%s', (input, name, icd11, euProduct, manufacturer) => {
    const v = resolveVaccine(input);
    expect(v).toBeDefined();
    expect(v).toMatchObject({ name, icd11, prophylaxis: 'J07BX03' });
    expect(v!.euProduct).toBe(euProduct);
    expect(v!.manufacturer).toBe(manufacturer);
  });

  it.each(['', 'CoVax', 'x'.repeat(10_000), '__proto__', 'constructor', 42, null])('unknown %j', (input) => {
    expect(resolveVaccine(input as string)).toBeUndefined();
  });

  it('every euProduct, manufacturer and SNOMED code it emits exists (and is active) in the value sets', () => {
    for (const v of knownVaccines()) {
      if (v.euProduct !== undefined)
        expect(lookupValueSet('vaccineMedicinalProduct', v.euProduct)?.active, v.name).toBe(true);
      if (v.manufacturer !== undefined)
        expect(lookupValueSet('vaccineMahManf', v.manufacturer)?.active, v.name).toBe(true);
      expect(lookupValueSet('vaccineProphylaxis', v.snomed)?.active, v.name).toBe(true);
      expect(Object.values(ICD11_COVID19_VACCINE)).toContain(v.icd11);
      expect(v.platform).toMatch(/^COVID-19 vaccine/);
    }
  });

  it('agrees with the EU encoding instructions where both list a vaccine', () => {
    const instructions = dccValueSets.vaccineEncodingInstructions.valueSetValues;
    for (const v of knownVaccines()) {
      const entry = Object.values(instructions).find((i) => i['vaccine-code'] === v.euProduct);
      if (entry === undefined) continue;
      expect(v.manufacturer, v.name).toBe(entry['vaccine-manufacturer']);
      expect(entry['sct-codes'], v.name).toContain(v.snomed);
    }
  });
});
