import { describe, expect, it } from 'vitest';
import { acceptsDocuments, canTransition, TRANSITIONS } from '../../core/lifecycle.ts';
import { memoryQueue } from '../../workers/queue/memory.ts';
import type { JobAttempt } from '../../workers/queue/types.ts';

describe('in-process queue', () => {
  const settings = { name: 'q', attempts: 3, backoffMs: 10, lockMs: 1000 };

  it('retries a failing job with backoff and marks the last attempt final', async () => {
    const queue = memoryQueue(settings);
    const seen: JobAttempt[] = [];
    const done = new Promise<void>((resolve) => {
      queue.consume(async (_job, attempt) => {
        seen.push(attempt);
        if (attempt.attempt < 3) throw new Error('transient');
        resolve();
      }, 1);
    });
    await queue.enqueue({ documentId: 'a' });
    await done;
    expect(seen).toEqual([
      { attempt: 1, final: false },
      { attempt: 2, final: false },
      { attempt: 3, final: true },
    ]);
    await queue.close();
  });

  it('ignores a job that is already waiting or running, and takes it again once finished', async () => {
    const queue = memoryQueue(settings);
    const runs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    queue.consume(async (job) => {
      runs.push(job.documentId);
      await gate;
    }, 2);
    await queue.enqueue({ documentId: 'a' });
    await queue.enqueue({ documentId: 'a' });
    await queue.requeue({ documentId: 'a' });
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toEqual(['a']);
    await queue.enqueue({ documentId: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toEqual(['a', 'a']);
    await queue.close();
  });

  it('runs at most `concurrency` jobs at once', async () => {
    const queue = memoryQueue(settings);
    let running = 0;
    let peak = 0;
    let finished = 0;
    const all = new Promise<void>((resolve) =>
      queue.consume(async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        if (++finished === 6) resolve();
      }, 2),
    );
    for (const id of 'abcdef') await queue.enqueue({ documentId: id });
    await all;
    expect(peak).toBe(2);
    await queue.close();
  });
});

describe('application lifecycle', () => {
  it('allows only the transitions in the table', () => {
    expect(canTransition('draft', 'processing')).toBe(true);
    expect(canTransition('processing', 'clarification_required')).toBe(true);
    expect(canTransition('clarification_required', 'processing')).toBe(true);
    expect(canTransition('approved', 'processing')).toBe(false);
    expect(canTransition('rejected', 'approved')).toBe(false);
    expect(canTransition('clarification_required', 'approved')).toBe(false);
    expect(TRANSITIONS.approved).toEqual([]);
  });

  it('takes documents until the application is decided', () => {
    expect(
      ['draft', 'processing', 'under_review', 'clarification_required'].every((s) => acceptsDocuments(s as never)),
    ).toBe(true);
    expect(acceptsDocuments('approved')).toBe(false);
    expect(acceptsDocuments('rejected')).toBe(false);
  });
});
