// Order of work on one thread. The stages that run at the same time on a pool
// thread share it: the printed zone cuts images for the OCR workers, and the
// portrait runs the face model, whose runs hold the thread for 100 ms or more
// each. Whichever runs first decides whether the OCR workers read while the
// face model computes, or wait for it.

let preparing = 0;
const waiting: (() => void)[] = [];

/** Work that prepares jobs for other threads (images for the OCR workers): long synchronous work here waits for it. */
export async function feeding<T>(work: () => Promise<T>): Promise<T> {
  preparing++;
  try {
    return await work();
  } finally {
    // On the next turn of the event loop: the jobs just prepared are handed over first.
    if (--preparing === 0) for (const resume of waiting.splice(0)) setImmediate(resume);
  }
}

/** Resolves once no other thread's work is being prepared on this one: call before a long synchronous run. */
export function afterFeeding(): Promise<void> {
  return preparing === 0 ? Promise.resolve() : new Promise((resume) => waiting.push(resume));
}
