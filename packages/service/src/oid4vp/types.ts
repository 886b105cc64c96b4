/** OpenID4VP 1.0 presentation requests of the service (the verifier side of wallets). */
export interface Oid4vpConfig {
  /** Off unless true. */
  enabled?: boolean;
  /** How long a presentation request can be answered. Default 300 s. */
  requestTtlSeconds?: number;
}
