// A remote registry service over HTTP (the JSON contract is in README.md):
//   GET {base}/registries/{kind}/records/{key}
//     200 { "found": true, "record": { … } } · 404 { "found": false }
//     429, 5xx and timeouts are worth retrying; any other answer is not.
// Every lookup is idempotent, so it is retried with jittered exponential
// backoff; each registry has its own concurrency limit and circuit breaker, so
// one registry in trouble neither floods nor blocks the others. Whatever
// cannot be answered comes back «unavailable» — never «not found».
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  REGISTRY_KINDS,
  type RegistryAnswer,
  type RegistryKind,
  type RegistryPort,
} from '../../pipeline/registry/index.ts';
import { backoff } from '../../core/backoff.ts';

export interface HttpRegistryOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  retryBackoffMs: number;
  /** Requests in flight per registry. */
  concurrency: number;
  /** Consecutive failures that open a registry's breaker, and how long it stays open. */
  breakerFailures: number;
  breakerCooldownMs: number;
  random?: () => number;
}

export interface HttpRegistryStats {
  lookups: number;
  attempts: number;
  retries: number;
  unavailable: number;
  /** Lookups refused at once because the breaker was open. */
  shortCircuited: number;
  breakerOpened: number;
}

class RetryableError extends Error {}

/** Closed → open after N consecutive failures → half-open after the cooldown (one trial call) → closed on success. */
class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trial = false;
  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly onOpen: () => void,
  ) {}

  get open(): boolean {
    return this.openedAt !== undefined;
  }

  allows(): boolean {
    if (this.openedAt === undefined) return true;
    if (Date.now() - this.openedAt < this.cooldownMs || this.trial) return false;
    this.trial = true; // half-open: let one call through
    return true;
  }

  succeeded(): void {
    [this.failures, this.openedAt, this.trial] = [0, undefined, false];
  }

  failed(): void {
    this.failures++;
    if (this.trial || this.failures >= this.threshold) {
      if (this.openedAt === undefined || this.trial) this.onOpen();
      [this.openedAt, this.trial] = [Date.now(), false];
    }
  }
}

/** At most `limit` holders at once; the others wait in order. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export function httpRegistry(options: HttpRegistryOptions): RegistryPort & { stats(): HttpRegistryStats } {
  const random = options.random ?? Math.random;
  const stats: HttpRegistryStats = {
    lookups: 0,
    attempts: 0,
    retries: 0,
    unavailable: 0,
    shortCircuited: 0,
    breakerOpened: 0,
  };
  const per = Object.fromEntries(
    REGISTRY_KINDS.map((kind) => [
      kind,
      {
        breaker: new CircuitBreaker(options.breakerFailures, options.breakerCooldownMs, () => stats.breakerOpened++),
        gate: new Semaphore(options.concurrency),
      },
    ]),
  ) as Record<RegistryKind, { breaker: CircuitBreaker; gate: Semaphore }>;

  async function attempt(kind: RegistryKind, key: string): Promise<RegistryAnswer> {
    stats.attempts++;
    const url = `${options.baseUrl.replace(/\/$/, '')}/registries/${kind}/records/${encodeURIComponent(key)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', 'x-request-id': randomUUID() },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${options.timeoutMs} ms`
          : String(error),
      );
    }
    if (response.status === 404) return { status: 'not_found' };
    if (response.status === 429 || response.status >= 500) throw new RetryableError(`HTTP ${response.status}`);
    if (!response.ok) return { status: 'unavailable', detail: `HTTP ${response.status} (not retried)` };
    const body = (await response.json().catch(() => undefined)) as
      { found?: boolean; record?: Record<string, string> } | undefined;
    if (body?.found === true && body.record && typeof body.record === 'object')
      return { status: 'found', record: body.record };
    if (body?.found === false) return { status: 'not_found' };
    return { status: 'unavailable', detail: 'the answer does not follow the contract' };
  }

  return {
    stats: () => ({ ...stats }),
    breakers: () => Object.fromEntries(REGISTRY_KINDS.map((kind) => [kind, per[kind].breaker.open])),
    async lookup(kind, key) {
      stats.lookups++;
      const { breaker, gate } = per[kind];
      let lastError = '';
      for (let retry = 0; retry <= options.retries; retry++) {
        if (!breaker.allows()) {
          stats.shortCircuited++;
          stats.unavailable++;
          return {
            status: 'unavailable',
            detail: `the ${kind} registry is failing; its circuit is open${lastError ? ` (${lastError})` : ''}`,
          };
        }
        if (retry > 0) {
          stats.retries++;
          // Full jitter: a random wait up to the exponential step, so clients do not retry in step.
          await sleep(backoff({ attempt: retry, base: options.retryBackoffMs, jitter: 'full', random }));
        }
        try {
          const answer = await gate.run(() => attempt(kind, key));
          breaker.succeeded();
          return answer;
        } catch (error) {
          breaker.failed();
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
      stats.unavailable++;
      return { status: 'unavailable', detail: `no answer after ${options.retries + 1} attempts (${lastError})` };
    },
  };
}
