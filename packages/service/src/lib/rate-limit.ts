/** Token bucket per client: `capacity` requests at once, refilled at `refillPerSecond`. In memory, per instance. */
export interface RateLimitConfig {
  capacity: number;
  refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  readonly #config: RateLimitConfig;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  constructor(config: RateLimitConfig, now: () => number = () => performance.now()) {
    this.#config = config;
    this.#now = now;
  }

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(client: string): number {
    const now = this.#now();
    const { capacity, refillPerSecond } = this.#config;
    let bucket = this.#buckets.get(client);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#prune(now);
      bucket = { tokens: capacity, at: now };
      this.#buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / refillPerSecond;
  }

  /** Drops buckets that have refilled completely: they hold no state worth keeping. */
  #prune(now: number): void {
    const { capacity, refillPerSecond } = this.#config;
    for (const [client, b] of this.#buckets)
      if (b.tokens + ((now - b.at) / 1000) * refillPerSecond >= capacity) this.#buckets.delete(client);
  }
}
