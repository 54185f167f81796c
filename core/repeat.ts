// A background task run now and then on a timer, never overlapping itself: a
// tick that comes while the last run is still going is skipped, and a failure
// is logged, not thrown (the next tick tries again).
import { errorMessage, log } from './log.ts';

export function repeat(what: string, intervalMs: number, task: (first: boolean) => Promise<void>): () => void {
  let busy = false;
  const run = async (first: boolean) => {
    if (busy) return;
    busy = true;
    try {
      await task(first);
    } catch (error) {
      log.warn(`${what} failed`, { error: errorMessage(error) });
    } finally {
      busy = false;
    }
  };
  void run(true);
  const timer = setInterval(() => void run(false), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
