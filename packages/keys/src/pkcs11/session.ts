import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyType } from '../types.js';
import {
  CKF_RW_SESSION,
  CKF_SERIAL_SESSION,
  CKF_TOKEN_INITIALIZED,
  CKM_EC_EDWARDS_KEY_PAIR_GEN,
  CKM_EC_KEY_PAIR_GEN,
  CKM_ECDSA,
  CKM_EDDSA,
  CKM_RSA_PKCS_KEY_PAIR_GEN,
  CKM_SHA256_RSA_PKCS_PSS,
  CKU_USER,
  type Cryptoki,
  type Handle,
} from './cryptoki.js';
import {
  ckrOf,
  operationError,
  Pkcs11LoginError,
  Pkcs11PinIncorrectError,
  Pkcs11SessionClosedError,
  Pkcs11TokenNotFoundError,
} from './errors.js';
import { acquireModule, releaseModule, type LoadedModule } from './module.js';

/** Options of `openPkcs11Session`: the module, the token (by slot or label), the PIN and the session pool size. */
export interface OpenPkcs11SessionOptions {
  /** Path of the token's PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  module: string;
  /** Slot id (CK_SLOT_ID). SoftHSM renumbers slots when tokens are added: prefer `tokenLabel`. */
  slot?: number;
  /** Token label (CKA token info `label`). */
  tokenLabel?: string;
  /** Token serial number. */
  tokenSerial?: string;
  /** User PIN. Never logged, never kept: only an in-memory keyed digest, to check a second login to the same token. */
  pin: string;
  /**
   * Most PKCS#11 sessions used at once for signing (default 4). Each sign call holds one session from C_SignInit to the
   * end of C_Sign, so calls never interleave on a session; more sessions let the token sign in parallel.
   */
  maxSessions?: number;
}

interface Waiter {
  resolve(handle: Handle): void;
  reject(err: unknown): void;
}

/** @internal Everything a session owns, kept off the public object. */
export interface SessionState {
  readonly module: LoadedModule;
  readonly cryptoki: Cryptoki;
  readonly slot: Handle;
  readonly slotKey: string;
  readonly mechanisms: ReadonlySet<number>;
  readonly maxSessions: number;
  readonly all: Handle[];
  readonly idle: Handle[];
  readonly waiters: Waiter[];
  inFlight: number;
  closed: boolean;
  drained: (() => void) | undefined;
}

const states = new WeakMap<Pkcs11Session, SessionState>();
/** States made by openPkcs11Session: the constructor accepts nothing else. */
const genuine = new WeakSet<object>();

// Keyed digest of the PIN a token was logged in with, to refuse a different PIN while that login lasts (Cryptoki
// answers CKR_USER_ALREADY_LOGGED_IN without checking it). The key lives only in this process.
const pinKey = randomBytes(32);
function pinDigest(pin: string): Buffer {
  return createHmac('sha256', pinKey).update(pin, 'utf8').digest();
}

/** A logged-in connection to one token. Close it when done: the last close finalises the module. */
export class Pkcs11Session {
  readonly modulePath: string;
  readonly slotId: number;
  readonly tokenLabel: string;
  readonly tokenSerial: string;

  /** @internal Sessions come from `openPkcs11Session`; the constructor refuses anything else. */
  constructor(internal: unknown, info: { slotId: number; tokenLabel: string; tokenSerial: string }) {
    if (typeof internal !== 'object' || internal === null || !genuine.has(internal))
      throw new TypeError('use openPkcs11Session() to open a PKCS#11 session');
    const state = internal as SessionState;
    this.modulePath = state.module.path;
    this.slotId = info.slotId;
    this.tokenLabel = info.tokenLabel;
    this.tokenSerial = info.tokenSerial;
    states.set(this, state);
  }

  get closed(): boolean {
    return stateOf(this, true).closed;
  }

  /** Key types this token can generate and sign with (by the mechanisms it lists). */
  supportedKeyTypes(): KeyType[] {
    const { mechanisms } = stateOf(this);
    const out: KeyType[] = [];
    if (mechanisms.has(CKM_EC_EDWARDS_KEY_PAIR_GEN) && mechanisms.has(CKM_EDDSA)) out.push('Ed25519');
    if (mechanisms.has(CKM_EC_KEY_PAIR_GEN) && mechanisms.has(CKM_ECDSA)) out.push('P-256');
    if (mechanisms.has(CKM_RSA_PKCS_KEY_PAIR_GEN) && mechanisms.has(CKM_SHA256_RSA_PKCS_PSS)) out.push('RSA');
    return out;
  }

  /**
   * Wait for operations already started (running or queued), then close every PKCS#11 session of this handle. Closing
   * twice is harmless. Signers made from this session fail with ERR_PKCS11_SESSION_CLOSED afterwards.
   */
  async close(): Promise<void> {
    const state = stateOf(this, true);
    if (state.closed) return;
    state.closed = true;
    // Calls already admitted (running or queued for a session) finish; new ones fail with ERR_PKCS11_SESSION_CLOSED.
    if (state.inFlight > 0) await new Promise<void>((resolve) => (state.drained = resolve));
    for (const handle of state.all) {
      try {
        state.cryptoki.C_CloseSession(handle);
      } catch {
        // already gone (token removed): nothing to release
      }
    }
    state.all.length = 0;
    state.idle.length = 0;
    const login = state.module.logins.get(state.slotKey);
    if (login && --login.holders <= 0) state.module.logins.delete(state.slotKey);
    releaseModule(state.module);
  }
}

/** @internal */
export function stateOf(session: Pkcs11Session, allowClosed = false): SessionState {
  const state = states.get(session);
  if (!state) throw new Pkcs11SessionClosedError('not a session made by openPkcs11Session');
  if (state.closed && !allowClosed) throw new Pkcs11SessionClosedError('the PKCS#11 session was closed');
  return state;
}

/**
 * Run `fn` with a PKCS#11 session of the pool to itself: no other operation touches that session until `fn` settles.
 * @internal
 */
export async function withSession<T>(
  session: Pkcs11Session,
  fn: (handle: Handle, cryptoki: Cryptoki) => T | Promise<T>,
): Promise<T> {
  const state = stateOf(session);
  // Counted before waiting for a session, so close() waits for this call instead of pulling the session away.
  state.inFlight++;
  let handle: Handle | undefined;
  try {
    handle = await acquire(state);
    return await fn(handle, state.cryptoki);
  } finally {
    state.inFlight--;
    if (handle) {
      const next = state.waiters.shift();
      if (next) next.resolve(handle);
      else state.idle.push(handle);
    }
    if (state.closed && state.inFlight === 0) state.drained?.();
  }
}

async function acquire(state: SessionState): Promise<Handle> {
  const idle = state.idle.pop();
  if (idle) return idle;
  if (state.all.length < state.maxSessions) {
    try {
      // Login is per application and token: a new session of a logged-in application is logged in too.
      const handle = state.cryptoki.C_OpenSession(state.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
      state.all.push(handle);
      return handle;
    } catch (err) {
      if (state.all.length === 0) throw operationError('C_OpenSession', err);
      // The token limits sessions: wait for one of ours instead.
    }
  }
  return new Promise<Handle>((resolve, reject) => state.waiters.push({ resolve, reject }));
}

function slotIdOf(handle: Handle): number {
  if (handle.length >= 8) return Number(handle.readBigUInt64LE(0));
  if (handle.length >= 4) return handle.readUInt32LE(0);
  return handle.length > 0 ? handle[0]! : 0;
}

function clean(text: string): string {
  // Token info fields are fixed-size, blank-padded (some modules pad with NULs).
  return text.replace(/[\s\0]+$/, '');
}

/**
 * Load the PKCS#11 module (once per process), find the token, open a session and log in as the user.
 * Throws ERR_PKCS11_UNAVAILABLE, ERR_PKCS11_MODULE, ERR_PKCS11_TOKEN_NOT_FOUND, ERR_PKCS11_PIN_INCORRECT,
 * ERR_PKCS11_LOGIN_FAILED.
 */
export async function openPkcs11Session(options: OpenPkcs11SessionOptions): Promise<Pkcs11Session> {
  if (typeof options !== 'object' || options === null)
    throw new Pkcs11TokenNotFoundError('openPkcs11Session needs options');
  const { slot, tokenLabel, tokenSerial, pin } = options;
  if (typeof pin !== 'string' || pin.length === 0 || pin.length > 256)
    throw new Pkcs11LoginError('a user PIN (1 to 256 characters) is required');
  if (slot !== undefined && (!Number.isSafeInteger(slot) || slot < 0))
    throw new Pkcs11TokenNotFoundError('slot must be a non-negative integer');
  if (tokenLabel !== undefined && (typeof tokenLabel !== 'string' || tokenLabel.length > 32))
    throw new Pkcs11TokenNotFoundError('tokenLabel must be a string of at most 32 characters');
  if (tokenSerial !== undefined && (typeof tokenSerial !== 'string' || tokenSerial.length > 16))
    throw new Pkcs11TokenNotFoundError('tokenSerial must be a string of at most 16 characters');
  const maxSessions = options.maxSessions ?? 4;
  if (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > 64)
    throw new Pkcs11TokenNotFoundError('maxSessions must be an integer from 1 to 64');

  const module = await acquireModule(options.module);
  const { cryptoki } = module;
  let handle: Handle | undefined;
  let counted: string | undefined;
  try {
    const found = findSlot(cryptoki, { slot, tokenLabel, tokenSerial });
    const slotKey = found.slot.toString('hex');
    try {
      handle = cryptoki.C_OpenSession(found.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    } catch (err) {
      throw operationError(`C_OpenSession on token "${found.label}"`, err);
    }
    const digest = pinDigest(pin);
    try {
      cryptoki.C_Login(handle, CKU_USER, pin);
    } catch (err) {
      const ckr = ckrOf(err);
      if (ckr === 'CKR_USER_ALREADY_LOGGED_IN') {
        const previous = module.logins.get(slotKey);
        if (previous && !timingSafeEqual(previous.pinDigest, digest)) {
          throw new Pkcs11PinIncorrectError(`token "${found.label}" refused the PIN`);
        }
      } else if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_LEN_RANGE') {
        throw new Pkcs11PinIncorrectError(`token "${found.label}" refused the PIN`, { cause: err });
      } else {
        const why =
          ckr === 'CKR_PIN_LOCKED'
            ? 'the PIN is locked'
            : ckr === 'CKR_PIN_EXPIRED'
              ? 'the PIN has expired'
              : (ckr ?? 'unknown error');
        throw new Pkcs11LoginError(`login to token "${found.label}" failed: ${why}`, { cause: err });
      }
    }
    const login = module.logins.get(slotKey);
    if (login) login.holders++;
    else module.logins.set(slotKey, { pinDigest: digest, holders: 1 });
    counted = slotKey;

    let mechanisms: number[];
    try {
      mechanisms = cryptoki.C_GetMechanismList(found.slot);
    } catch (err) {
      throw operationError('C_GetMechanismList', err);
    }
    const state: SessionState = {
      module,
      cryptoki,
      slot: found.slot,
      slotKey,
      mechanisms: new Set(mechanisms),
      maxSessions,
      all: [handle],
      idle: [handle],
      waiters: [],
      inFlight: 0,
      closed: false,
      drained: undefined,
    };
    genuine.add(state);
    return new Pkcs11Session(state, {
      slotId: slotIdOf(found.slot),
      tokenLabel: found.label,
      tokenSerial: found.serial,
    });
  } catch (err) {
    if (handle) {
      try {
        cryptoki.C_CloseSession(handle);
      } catch {
        // ignore
      }
    }
    if (counted !== undefined) {
      const login = module.logins.get(counted);
      if (login && --login.holders <= 0) module.logins.delete(counted);
    }
    releaseModule(module);
    throw err;
  }
}

function findSlot(
  cryptoki: Cryptoki,
  want: { slot: number | undefined; tokenLabel: string | undefined; tokenSerial: string | undefined },
): { slot: Handle; label: string; serial: string } {
  let slots: Handle[];
  try {
    slots = cryptoki.C_GetSlotList(true);
  } catch (err) {
    throw operationError('C_GetSlotList', err);
  }
  const candidates: { slot: Handle; label: string; serial: string }[] = [];
  for (const slot of slots) {
    let info;
    try {
      info = cryptoki.C_GetTokenInfo(slot);
    } catch {
      continue; // token removed meanwhile
    }
    if ((info.flags & CKF_TOKEN_INITIALIZED) === 0) continue;
    const label = clean(info.label);
    const serial = clean(info.serialNumber);
    if (want.slot !== undefined && slotIdOf(slot) !== want.slot) continue;
    if (want.tokenLabel !== undefined && label !== want.tokenLabel) continue;
    if (want.tokenSerial !== undefined && serial !== want.tokenSerial) continue;
    candidates.push({ slot, label, serial });
  }
  const named = [
    want.slot !== undefined ? `slot ${want.slot}` : '',
    want.tokenLabel !== undefined ? `label "${want.tokenLabel}"` : '',
    want.tokenSerial !== undefined ? `serial "${want.tokenSerial}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (candidates.length === 0)
    throw new Pkcs11TokenNotFoundError(
      named ? `no initialised token with ${named}` : 'no initialised token in any slot',
    );
  if (candidates.length > 1) {
    throw new Pkcs11TokenNotFoundError(
      `${candidates.length} tokens match${named ? ` ${named}` : ''} ` +
        `(${candidates.map((c) => `"${c.label}"`).join(', ')}): name one by label or serial`,
    );
  }
  return candidates[0]!;
}
