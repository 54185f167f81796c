// The retry schedule and the background timer every worker loop uses.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoff } from '../../core/backoff.ts';
import { repeat } from '../../core/repeat.ts';

describe('backoff', () => {
  it('doubles from the base for each attempt, without jitter by default', () => {
    expect([1, 2, 3, 4].map((attempt) => backoff({ attempt, base: 1000 }))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is capped, before any jitter', () => {
    expect(backoff({ attempt: 30, base: 1000, max: 3_600_000 })).toBe(3_600_000);
    expect(backoff({ attempt: 30, base: 1000, max: 3_600_000, jitter: 'equal', random: () => 1 })).toBe(5_400_000);
  });

  it('spreads the wait: full jitter from 0 to the step, equal jitter from half to one and a half', () => {
    expect(backoff({ attempt: 3, base: 1000, jitter: 'full', random: () => 0 })).toBe(0);
    expect(backoff({ attempt: 3, base: 1000, jitter: 'full', random: () => 0.25 })).toBe(1000);
    expect(backoff({ attempt: 3, base: 1000, jitter: 'equal', random: () => 0 })).toBe(2000);
    expect(backoff({ attempt: 3, base: 1000, jitter: 'equal', random: () => 0.5 })).toBe(4000);
  });
});

describe('repeat', () => {
  afterEach(() => vi.useRealTimers());

  it('runs at once and then on each tick, never twice at the same time, and survives a failure', async () => {
    vi.useFakeTimers();
    const runs: boolean[] = [];
    let release = () => {};
    let fail = false;
    const stop = repeat('test task', 100, async (first) => {
      runs.push(first);
      if (fail) throw new Error('boom');
      await new Promise<void>((resolve) => (release = resolve));
    });
    expect(runs).toEqual([true]);
    await vi.advanceTimersByTimeAsync(350); // three ticks while the first run still waits
    expect(runs).toEqual([true]);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual([true, false]);
    fail = true;
    release();
    await vi.advanceTimersByTimeAsync(100); // this run throws: logged, and the next tick runs again
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual([true, false, false, false]);
    stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toHaveLength(4);
  });
});
