// BullMQ on Redis: jobs survive this process, several worker processes on
// several machines share them, a crashed worker's job is picked up again when
// its lock expires (stalled-job recovery), failures retry with backoff.
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { log, errorMessage } from '../../core/log.ts';
import type { DocumentJob, JobQueue, QueueSettings } from './types.ts';

const JOB_NAME = 'process-document';

export function bullmqQueue(redisUrl: string, settings: QueueSettings): JobQueue {
  // Workers block on Redis, so they need their own connection without a retry cap.
  const connect = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  // The producer fails fast instead: an upload is already stored, and the sweeper enqueues it later.
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
  const queue = new Queue<DocumentJob>(settings.name, { connection: producer });
  queue.on('error', (error) => log.warn('queue error', { error: error.message }));
  let worker: Worker<DocumentJob> | undefined;

  const jobOptions = {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  } as const;

  const enqueue = async (job: DocumentJob) => {
    await queue.add(JOB_NAME, job, { ...jobOptions, jobId: job.documentId });
  };

  return {
    kind: 'bullmq',
    enqueue,
    async requeue(job) {
      const existing = await queue.getJob(job.documentId);
      const state = existing ? await existing.getState() : 'unknown';
      if (existing && state === 'failed') await existing.retry('failed');
      else if (existing && state === 'completed') {
        await existing.remove();
        await enqueue(job);
      } else if (!existing) await enqueue(job);
    },
    consume(handler, concurrency) {
      worker = new Worker<DocumentJob>(
        settings.name,
        async (job: Job<DocumentJob>) => {
          const attempt = job.attemptsMade + 1;
          await handler(job.data, { attempt, final: attempt >= (job.opts.attempts ?? 1) });
        },
        {
          connection: connect(),
          concurrency,
          lockDuration: settings.lockMs,
          stalledInterval: Math.max(1000, Math.floor(settings.lockMs / 2)),
          maxStalledCount: 3,
        },
      );
      worker.on('error', (error) => log.warn('worker error', { error: error.message }));
      worker.on('failed', (job, error) =>
        log.warn('job attempt failed', {
          documentId: job?.id,
          attemptsMade: job?.attemptsMade,
          error: errorMessage(error),
        }),
      );
    },
    async ping() {
      await producer.ping();
    },
    async counts() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    },
    async close() {
      await worker?.close();
      await queue.close();
      producer.disconnect();
    },
  };
}
