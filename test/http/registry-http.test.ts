// The HTTP registry adapter against a stub service that fails and stalls on
// demand: retries with backoff, timeouts, the circuit breaker, the concurrency
// limit, and «unavailable» — never «not found» — when no answer comes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRegistry, type HttpRegistryOptions } from '../../workers/registry/http.ts';
import { startRegistryStub, type RegistryStub } from '../helpers/registry-stub.ts';

let stub: RegistryStub;
beforeAll(async () => {
  stub = await startRegistryStub();
  stub.records.set('tax_numbers/770155646312', {
    surname: 'JURAEV',
    given_names: 'ULUGBEK',
    date_of_birth: '1997-11-14',
  });
});
afterAll(() => stub.close());

const options = (overrides: Partial<HttpRegistryOptions> = {}): HttpRegistryOptions => ({
  baseUrl: stub.url,
  timeoutMs: 300,
  retries: 3,
  retryBackoffMs: 10,
  concurrency: 4,
  breakerFailures: 50,
  breakerCooldownMs: 60_000,
  ...overrides,
});
const reset = (faults: Partial<RegistryStub['faults']> = {}) => {
  Object.assign(stub.faults, { failureRate: 0, latencyMs: 0, spikeRate: 0, spikeMs: 0, ...faults });
  Object.assign(stub.stats, { requests: 0, failed: 0, maxInFlight: 0 });
};

describe('HTTP registry', () => {
  it('answers found and not found by the contract', async () => {
    reset();
    const registry = httpRegistry(options());
    expect(await registry.lookup('tax_numbers', '770155646312')).toEqual({
      status: 'found',
      record: { surname: 'JURAEV', given_names: 'ULUGBEK', date_of_birth: '1997-11-14' },
    });
    expect(await registry.lookup('tax_numbers', '000000000000')).toEqual({ status: 'not_found' });
  });

  it('retries failures and still finds the record', async () => {
    reset({ failureRate: 0.5 });
    const registry = httpRegistry(options({ retries: 8 }));
    const answers = await Promise.all(Array.from({ length: 20 }, () => registry.lookup('tax_numbers', '770155646312')));
    expect(answers.every((a) => a.status === 'found')).toBe(true);
    expect(registry.stats().retries).toBeGreaterThan(0);
    expect(stub.stats.failed).toBeGreaterThan(0);
  });

  it('gives up after its retries with «unavailable», timing out slow answers', async () => {
    reset({ latencyMs: 1000 });
    const registry = httpRegistry(options({ retries: 1 }));
    const started = Date.now();
    const answer = await registry.lookup('tax_numbers', '770155646312');
    expect(answer).toMatchObject({ status: 'unavailable' });
    expect(answer.status === 'unavailable' && answer.detail).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(registry.stats()).toMatchObject({ attempts: 2, retries: 1, unavailable: 1 });
  });

  it('opens the circuit after repeated failures, then lets a trial call through after the cooldown', async () => {
    reset({ failureRate: 1 });
    const registry = httpRegistry(options({ retries: 0, breakerFailures: 3, breakerCooldownMs: 200 }));
    for (let i = 0; i < 3; i++) await registry.lookup('tax_numbers', '770155646312');
    const requestsWhenOpened = stub.stats.requests;
    expect(await registry.lookup('tax_numbers', '770155646312')).toMatchObject({
      status: 'unavailable',
      detail: expect.stringContaining('circuit is open'),
    });
    expect(stub.stats.requests).toBe(requestsWhenOpened);
    expect(registry.stats()).toMatchObject({ breakerOpened: 1, shortCircuited: 1 });
    // Another registry has its own breaker.
    reset();
    expect(await registry.lookup('pension_numbers', '19817166010')).toEqual({ status: 'not_found' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await registry.lookup('tax_numbers', '770155646312')).toMatchObject({ status: 'found' });
  });

  it('keeps at most `concurrency` requests in flight per registry', async () => {
    reset({ latencyMs: 50 });
    const registry = httpRegistry(options({ concurrency: 3 }));
    await Promise.all(Array.from({ length: 12 }, () => registry.lookup('tax_numbers', '770155646312')));
    expect(stub.stats.maxInFlight).toBe(3);
  });

  it('does not retry an answer that says the request itself is wrong', async () => {
    reset();
    const registry = httpRegistry(options({ baseUrl: `${stub.url}/wrong-prefix` }));
    expect(await registry.lookup('tax_numbers', '770155646312')).toMatchObject({
      status: 'unavailable',
      detail: 'HTTP 400 (not retried)',
    });
    expect(stub.stats.requests).toBe(1);
  });
});
