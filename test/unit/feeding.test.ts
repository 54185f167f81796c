// Long synchronous work on a thread waits while jobs for the OCR workers are
// being prepared, and starts on a later turn of the event loop than the code
// that hands those jobs over.
import { describe, expect, it } from 'vitest';
import { afterFeeding, feeding } from '../../core/feeding.ts';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('feeding the OCR workers first', () => {
  it('lets nothing wait when no job is being prepared', async () => {
    const order: string[] = [];
    const waiter = afterFeeding().then(() => order.push('model'));
    order.push('sync');
    await waiter;
    expect(order).toEqual(['sync', 'model']);
  });

  it('holds a model run until every preparation has ended, and after their hand-over', async () => {
    const order: string[] = [];
    const prepare = (name: string, ms: number) =>
      feeding(async () => {
        await later(ms);
        order.push(`cut ${name}`);
        return name;
      }).then((name) => order.push(`hand over ${name}`));
    const first = prepare('page', 30);
    const second = prepare('band', 10);
    const model = afterFeeding().then(() => order.push('model'));
    await Promise.all([first, second, model]);
    expect(order).toEqual(['cut band', 'hand over band', 'cut page', 'hand over page', 'model']);
  });

  it('releases waiters when a preparation fails', async () => {
    const failing = feeding(async () => {
      await later(5);
      throw new Error('crop failed');
    });
    const model = afterFeeding().then(() => 'ran');
    await expect(failing).rejects.toThrow('crop failed');
    await expect(model).resolves.toBe('ran');
  });
});
