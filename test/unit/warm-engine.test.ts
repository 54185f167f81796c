// The engines a stage thread keeps: one start however many reads race for it,
// a start at warm-up, and a replacement after N reads that closes the old engine
// only once its reads in flight have ended; kept as copies, reads in flight go
// to different copies.
import { describe, expect, it } from 'vitest';
import { warm } from '../../workers/warm-engine.ts';

function fakeEngines() {
  const log: string[] = [];
  let started = 0;
  const start = async () => {
    const id = ++started;
    log.push(`start ${id}`);
    return {
      read: async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`read ${id}`);
        return id;
      },
      close: async () => void log.push(`close ${id}`),
    };
  };
  return { start, log };
}

describe('warm engines', () => {
  it('start once for reads that race, and at warm-up before any read', async () => {
    const { start, log } = fakeEngines();
    const read = warm(start);
    await read.prepare();
    expect(log).toEqual(['start 1']);
    expect(await Promise.all([read(5), read(1), read(3)])).toEqual([1, 1, 1]);
    expect(log.filter((line) => line.startsWith('start'))).toEqual(['start 1']);
  });

  it('replace the engine after N reads, closing the old one only after its reads end', async () => {
    const { start, log } = fakeEngines();
    const read = warm(start, { recycleAfter: 2 });
    const slow = read(30); // engine 1, still reading when the replacement comes
    await read(1);
    expect(await read(1)).toBe(2); // the third read starts engine 2
    expect(log).not.toContain('close 1');
    expect(await slow).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log.indexOf('close 1')).toBeGreaterThan(log.lastIndexOf('read 1'));
    expect(await read(1)).toBe(2);
    expect(await read(1)).toBe(3);
  });

  it('send reads in flight to the idlest copy, and start every copy at warm-up', async () => {
    const { start, log } = fakeEngines();
    const read = warm(start, { copies: 2 });
    await read.prepare();
    expect(log).toEqual(['start 1', 'start 2']);
    // Two reads at once go to the two copies; a third waits on the copy that is free first.
    expect(await Promise.all([read(20), read(20)])).toEqual([1, 2]);
    const slow = read(30);
    expect(await read(1)).toBe(2);
    expect(await read(1)).toBe(2);
    expect(await slow).toBe(1);
  });
});
