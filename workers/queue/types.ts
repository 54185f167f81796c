// One interface over both queue drivers. A job is one document; its id is the
// document id, so delivering it twice is harmless (the runner skips finished
// documents) and enqueuing it twice while it waits is a no-op.
export interface DocumentJob {
  documentId: string;
}

export interface JobAttempt {
  /** 1 for the first delivery. */
  attempt: number;
  /** No retry follows if this one throws. */
  final: boolean;
}

export type JobHandler = (job: DocumentJob, attempt: JobAttempt) => Promise<void>;

export interface JobQueue {
  readonly kind: 'bullmq' | 'memory';
  /** Adds the job unless one with its id is waiting or running. */
  enqueue(job: DocumentJob): Promise<void>;
  /** Like enqueue, but also revives a job the queue gave up on (used by the sweeper). */
  requeue(job: DocumentJob): Promise<void>;
  /** Starts delivering jobs to handler; failed attempts are retried with backoff. */
  consume(handler: JobHandler, concurrency: number): void;
  ping(): Promise<void>;
  /** Jobs by state, for the metrics. */
  counts(): Promise<QueueCounts>;
  /** Stops taking jobs, waits for running ones, disconnects. */
  close(): Promise<void>;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  /** Waiting for a retry. */
  delayed: number;
  /** Given up on (the sweeper may revive them). */
  failed: number;
}

export interface QueueSettings {
  name: string;
  attempts: number;
  backoffMs: number;
  lockMs: number;
}
