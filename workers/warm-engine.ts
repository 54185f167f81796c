// Engines a stage thread keeps: started on first use (or at warm-up), kept for
// the life of the thread, and — for Tesseract — replaced after many reads.

/**
 * Recognitions after which a Tesseract worker is replaced by a fresh one. Measured
 * (`npm run bench:scale`, part 1): no growth to speak of per recognition, so this
 * only bounds what a long-running server could accumulate; a start costs ≈ 0.3 s.
 */
export const TESSERACT_RECYCLE_AFTER = 5000;

interface Engine<A extends unknown[], T> {
  read(...args: A): Promise<T>;
  close(): Promise<void>;
}

/**
 * An engine started on first use and kept warm for the life of the pool thread;
 * after `recycleAfter` reads it is closed (once its reads in flight end) and the
 * next read starts a fresh one.
 */
export function warm<A extends unknown[], T>(start: () => Promise<Engine<A, T>>, recycleAfter = Infinity) {
  let started: Promise<Engine<A, T>> | undefined;
  let reads = 0;
  let inFlight = new Set<Promise<unknown>>();
  const read = async (...args: A): Promise<T> => {
    if (started && reads >= recycleAfter) {
      const [retired, pending] = [started, inFlight];
      [started, reads, inFlight] = [undefined, 0, new Set()];
      void Promise.allSettled([...pending]).then(async () => (await retired).close());
    }
    reads++;
    const reading = (started ??= start()).then((engine) => engine.read(...args));
    const tracked = inFlight;
    tracked.add(reading);
    return reading.finally(() => tracked.delete(reading));
  };
  /** Starts the engine now (at thread start), so the first document does not wait for it. */
  const prepare = async () => void (await (started ??= start()));
  return Object.assign(read, { prepare });
}
