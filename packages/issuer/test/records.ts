/** One registry record per template, with names in several scripts. */
export const records = {
  /** DIVOC v1 (India's deployed shape): Latin name; the credential carries an age, the record a dob. */
  vaccination: {
    refId: 'R-1001', name: 'Bhaya Mitra', dob: '1994-09-01', gender: 'Male', nationality: 'Indian',
    identity: 'did:in.gov.uidai.aadhaar:2342343334', vaccine: 'Covaxin', manufacturer: 'Bharat Biotech', batch: '4121Z005',
    vaccinationDate: '2021-05-03', dose: 1, totalDoses: 2, facilityName: 'ABC Medical Center', facilityCountry: 'IN',
    vaccinatorName: 'Sooraj Singh',
  },
  /** WHO DDCC:VS profile, Devanagari name with a Latin transliteration. */
  'vaccination-v2': {
    refId: 'R-1002', name: 'राजेश कुमार', nameLatin: 'Rajesh Kumar', dob: '1990-01-15', gender: 'Male',
    vaccine: 'Covishield', batch: 'AB348FS', vaccinationDate: '2021-07-12', dose: 1, totalDoses: 2,
    nextDoseDueDate: '2021-10-04', facilityName: 'PHC Rohini', facilityCountry: 'IN', vaccinatorName: 'Dr. Meera Rao',
  },
  /** Test certificate, Tamil name. */
  test: {
    refId: 'R-1003', name: 'முத்து லட்சுமி', nameLatin: 'Muthu Lakshmi', dob: '1985-03-02', gender: 'Female',
    testType: 'RT-PCR', testName: 'Xpert Xpress SARS-CoV-2', sampleOrigin: 'Nasopharyngeal', disease: 'COVID-19',
    sampleCollectionTimestamp: '2021-08-01T04:30:00Z', resultTimestamp: '2021-08-01T16:00:00Z', result: 'Negative',
    facilityName: 'Chennai Central Lab', facilityCountry: 'IN', verifierName: 'Dr. Anbu',
  },
  /** Recovery, Sinhala name, recovered in Sri Lanka (English country name in the record). */
  recovery: {
    refId: 'R-1004', name: 'කමල් පෙරේරා', nameLatin: 'Kamal Perera', dob: '1979-11-20', gender: 'Male',
    disease: 'COVID-19', firstPositiveTestDate: '2021-06-01', validFrom: '2021-06-12', validUntil: '2021-12-01',
    country: 'Sri Lanka',
  },
} as const;

/** Latin with diacritics, no transliteration given: the DCC's ICAO transliteration comes from the name itself. */
export const diacritics = {
  refId: 'R-2001', name: 'José Álvarez-Núñez', dob: '1970-02-28', gender: 'Male', vaccine: 'Comirnaty', batch: 'FF2587',
  vaccinationDate: '2021-06-20', dose: 2, totalDoses: 2, facilityName: 'Hospital Clínic', facilityCountry: 'ES',
};

/** Sinhala name, vaccinated in Sri Lanka, v2: every format including VDS-NC. */
export const sinhalaVaccination = {
  refId: 'R-2002', name: 'නිමාලි සිල්වා', nameLatin: 'Nimali Silva', dob: '1992-04-11', gender: 'Female', vaccine: 'Sinopharm',
  batch: 'SP0421', vaccinationDate: '2021-09-01', dose: 2, totalDoses: 2, facilityName: 'MOH Colombo', facilityCountry: 'LK',
};
