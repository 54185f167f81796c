// Engines a stage thread keeps: started on first use (or at warm-up), kept for
// the life of the thread, and — for Tesseract — replaced after many reads.
// Some are kept as several copies: a Tesseract worker reads one image at a
// time, and a stage that reads an MRZ's lines or a form's values all at once
// waits for the slowest copy instead of the sum of them.

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

export interface WarmOptions {
  /** Reads after which a copy is closed (once its reads in flight end) and started afresh. */
  recycleAfter?: number;
  /** Copies kept; a read goes to the copy with the fewest reads in flight. */
  copies?: number;
}

/** One copy of an engine, started on first use and replaced after `recycleAfter` reads. */
function copyOf<A extends unknown[], T>(start: () => Promise<Engine<A, T>>, recycleAfter: number) {
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
  return {
    read,
    busy: () => inFlight.size,
    prepare: async () => void (await (started ??= start())),
  };
}

/** An engine kept warm for the life of the pool thread, as `copies` copies. */
export function warm<A extends unknown[], T>(
  start: () => Promise<Engine<A, T>>,
  { recycleAfter = Infinity, copies = 1 }: WarmOptions = {},
) {
  const kept = Array.from({ length: copies }, () => copyOf(start, recycleAfter));
  const read = (...args: A): Promise<T> =>
    kept.reduce((idlest, copy) => (copy.busy() < idlest.busy() ? copy : idlest)).read(...args);
  /** Starts every copy now (at thread start), so the first document does not wait for them. */
  const prepare = async () => void (await Promise.all(kept.map((copy) => copy.prepare())));
  return Object.assign(read, { prepare });
}
