// The embedded default: jobs live in this process. Nothing is lost on a crash
// because the database is the source of truth: at start the sweeper re-enqueues
// every document that was accepted but not finished.
import { log, errorMessage } from '../../core/log.ts';
import type { DocumentJob, JobHandler, JobQueue, QueueSettings } from './types.ts';
import { backoff } from '../../core/backoff.ts';

export function memoryQueue(settings: QueueSettings): JobQueue {
  const waiting: { job: DocumentJob; attempt: number }[] = [];
  const known = new Set<string>(); // waiting, running or scheduled for retry
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let handler: JobHandler | undefined;
  let concurrency = 1;
  let closed = false;
  let failed = 0;

  function pump(): void {
    while (handler && !closed && running.size < concurrency && waiting.length > 0) {
      const { job, attempt } = waiting.shift()!;
      const final = attempt >= settings.attempts;
      const work = handler(job, { attempt, final })
        .then(() => void known.delete(job.documentId))
        .catch((error: unknown) => {
          if (final || closed) {
            known.delete(job.documentId);
            failed++;
            log.error('job failed for good', { documentId: job.documentId, attempt, error: errorMessage(error) });
            return;
          }
          const delay = backoff({ attempt, base: settings.backoffMs });
          log.warn('job failed, retrying', { documentId: job.documentId, attempt, delay, error: errorMessage(error) });
          const timer = setTimeout(() => {
            timers.delete(timer);
            waiting.push({ job, attempt: attempt + 1 });
            pump();
          }, delay);
          timers.add(timer);
        })
        .finally(() => {
          running.delete(work);
          pump();
        });
      running.add(work);
    }
  }

  const enqueue = async (job: DocumentJob) => {
    if (closed || known.has(job.documentId)) return;
    known.add(job.documentId);
    waiting.push({ job, attempt: 1 });
    pump();
  };

  return {
    kind: 'memory',
    enqueue,
    requeue: enqueue,
    consume(h, n) {
      handler = h;
      concurrency = n;
      pump();
    },
    async ping() {},
    async counts() {
      return { waiting: waiting.length, active: running.size, delayed: timers.size, failed };
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
