/**
 * JSON-LD context of the measles-rubella campaign credential. A programme publishes this document at
 * its URL; the SDK never fetches it, the registry hands it to the static document loader.
 *
 * `@protected` stops later contexts from redefining our terms. Terms that the W3C VC 2.0 context also
 * defines (`name`) map to the same IRI, which JSON-LD allows.
 */
export const MR_CONTEXT_URL = 'https://health.example.org/credentials/measles-rubella/v1';

export const mrContext = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    id: '@id',
    type: '@type',
    mr: 'https://health.example.org/credentials/measles-rubella/v1#',
    schema: 'https://schema.org/',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    MeaslesRubellaVaccinationCredential: {
      '@id': 'mr:MeaslesRubellaVaccinationCredential',
      '@context': { '@version': 1.1, '@protected': true, nonTransferable: 'mr:nonTransferable' },
    },
    Child: {
      '@id': 'mr:Child',
      '@context': {
        '@version': 1.1,
        '@protected': true,
        name: 'schema:name',
        dob: { '@id': 'schema:birthDate', '@type': 'xsd:date' },
        gender: 'schema:gender',
        guardianName: 'mr:guardianName',
        uniqueChildId: 'mr:uniqueChildId',
        district: 'mr:district',
        state: 'mr:state',
        country: 'schema:addressCountry',
      },
    },
    MRVaccination: {
      '@id': 'mr:MRVaccination',
      '@context': {
        '@version': 1.1,
        '@protected': true,
        campaign: 'mr:campaign',
        vaccine: 'mr:vaccine',
        manufacturer: 'mr:manufacturer',
        batch: 'mr:batch',
        date: { '@id': 'mr:vaccinationDate', '@type': 'xsd:date' },
        dose: { '@id': 'mr:dose', '@type': 'xsd:integer' },
        totalDoses: { '@id': 'mr:totalDoses', '@type': 'xsd:integer' },
        sessionSite: 'mr:sessionSite',
        vaccinator: 'mr:vaccinator',
      },
    },
  },
} as const;
