import type { Config } from '../../core/config.ts';
import { bullmqQueue } from './bullmq.ts';
import { memoryQueue } from './memory.ts';
import type { JobQueue } from './types.ts';

export type { JobQueue, DocumentJob, JobAttempt } from './types.ts';

export function openQueue(config: Pick<Config, 'queue' | 'jobs'>): JobQueue {
  return config.queue.kind === 'bullmq' ? bullmqQueue(config.queue.url, config.jobs) : memoryQueue(config.jobs);
}
