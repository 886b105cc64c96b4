import type { CredentialTypeDefinition } from '../registry/definition.js';
import { recoveryCredentialType } from './recovery.js';
import { testCertificateCredentialType } from './test-certificate.js';
import { vaccinationCredentialType, vaccinationV2CredentialType } from './vaccination.js';

export {
  recoveryCredentialType,
  testCertificateCredentialType,
  vaccinationCredentialType,
  vaccinationV2CredentialType,
};

/** The built-in types, in lookup order (`vaccination` before `vaccination-v2` for the shared credential type). */
export function builtInCredentialTypes(): CredentialTypeDefinition[] {
  return [
    vaccinationCredentialType,
    vaccinationV2CredentialType,
    testCertificateCredentialType,
    recoveryCredentialType,
  ];
}
