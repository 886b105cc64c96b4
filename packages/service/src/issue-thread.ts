/**
 * Entry of an issuance thread (`threads` in the service config): loads its own copy of the keys (from the config
 * file's key files, or through a key loader module), says which signers it holds, then builds, signs and encodes the
 * records and credentials the main thread sends. Keys never travel in messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IssuerKeys } from '@divoc/issuer';
import { Trust, toJsonReport, verify } from '@divoc/verifier';
import { loadServiceKeys, loadTrustFiles } from './config/file.js';
import { issuanceClientError, issuerKeysOf, issueRecord, signCredential } from './issuance/issue.js';
import { keyIdentities, type SerializedError, type ThreadData, type ThreadMessage } from './issuance/pool.js';
import { ServiceError } from './lib/errors.js';

async function loadKeys(data: ThreadData): Promise<IssuerKeys> {
  const source = data.keys;
  if ('configKeys' in source) {
    const { keys } = await loadServiceKeys(source.configKeys, { baseDir: source.baseDir });
    return issuerKeysOf(keys, data.settings);
  }
  const module = (await import(String(source.module))) as {
    loadIssuerKeys?: (options: unknown) => Promise<IssuerKeys> | IssuerKeys;
  };
  if (typeof module.loadIssuerKeys !== 'function') throw new Error('the key loader module has no loadIssuerKeys');
  return module.loadIssuerKeys(source.options);
}

function serialize(error: unknown): SerializedError {
  const known = error instanceof ServiceError ? error : issuanceClientError(error);
  if (known !== undefined)
    return {
      code: known.code,
      status: known.status,
      message: known.message,
      ...(known.details !== undefined ? { details: known.details } : {}),
    };
  // Only the type and code of anything else: messages of unexpected errors can quote input.
  const code = (error as { code?: unknown } | null)?.code;
  return { message: `${(error as Error)?.name ?? 'Error'}${typeof code === 'string' ? ` (${code})` : ''}` };
}

/** The service's trust, built as the main thread builds it: the trust files, then the service's own VC key. */
async function loadTrust(data: ThreadData): Promise<Trust | undefined> {
  if (data.verify === undefined) return undefined;
  const trust = await loadTrustFiles(data.verify.trust.files, data.verify.trust.baseDir);
  if (data.verify.ownKey !== undefined) trust.addTrustListEntry(data.verify.ownKey);
  return trust;
}

const port = parentPort;
if (port !== null) {
  const data = workerData as ThreadData;
  const trust = loadTrust(data);
  const keys = Promise.all([loadKeys(data), trust]).then(([loaded]) => loaded);
  let statusLists: readonly unknown[] = [];
  keys.then(
    (loaded) => port.postMessage({ type: 'ready', keys: keyIdentities(loaded) } satisfies ThreadMessage),
    (error: unknown) =>
      // The loader's messages name files and codes, never key material (see defaultKeyLoader).
      port.postMessage({ type: 'fatal', message: (error as Error)?.message ?? String(error) } satisfies ThreadMessage),
  );
  port.on('message', (message: { id: number; kind: 'record' | 'credential' | 'verify'; task: never; lists?: [] }) => {
    // The same array object from one version to the next: status list checks are cached per list object.
    if (message.lists !== undefined) statusLists = message.lists;
    const lists = statusLists;
    void (async () => {
      try {
        const loaded = await keys;
        let result: unknown;
        if (message.kind === 'verify') {
          const verified = await verify(message.task, {
            trust: (await trust)!,
            revocation: { statusLists: lists },
            ...(data.verify?.policy !== undefined ? { policy: data.verify.policy } : {}),
          });
          // The report's text goes out as the API sends it: serialised here, not on the main thread.
          result = { valid: verified.valid, reportJson: JSON.stringify(toJsonReport(verified)) };
        } else
          result =
            message.kind === 'record'
              ? await issueRecord(data.settings, loaded, message.task)
              : await signCredential(data.settings, loaded, message.task);
        port.postMessage({ type: 'done', id: message.id, json: JSON.stringify(result) } satisfies ThreadMessage);
      } catch (error) {
        port.postMessage({ type: 'failed', id: message.id, error: serialize(error) } satisfies ThreadMessage);
      }
    })();
  });
}
