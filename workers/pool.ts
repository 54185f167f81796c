// The worker-thread pool that keeps CPU-heavy stage code off the event loop.
import 'sharp'; // load libvips in the main thread before any worker does
import os from 'node:os';
import { Piscina } from 'piscina';
import type { PoolResults, PoolTask } from './pool-tasks.ts';

export interface StagePool {
  run<T extends PoolTask>(task: T): Promise<PoolResults[T['type']]>;
  /** Loads every engine in every thread (one warm-up task each, all at once). */
  warmUp(): Promise<void>;
  /** Threads, tasks waiting for one, and how busy they were (0–1), for the metrics. */
  stats(): { threads: number; queued: number; utilization: number };
  close(): Promise<void>;
}

/** Compiled (dist/), the threads load the task module directly; from sources, through tsx. */
const TASKS = import.meta.url.endsWith('.js')
  ? new URL('./pool-tasks.js', import.meta.url).href
  : new URL('./pool-entry.mjs', import.meta.url).href;

export function createStagePool(threads: number): StagePool {
  const size = Math.max(1, Math.min(threads, os.availableParallelism() * 2));
  // All threads start now: one started under load first compiles the stage code.
  const piscina = new Piscina({ filename: TASKS, minThreads: size, maxThreads: size });
  return {
    run: (task) => piscina.run(task),
    warmUp: async () => void (await Promise.all(Array.from({ length: size }, () => piscina.run({ type: 'warm_up' })))),
    stats: () => ({ threads: piscina.threads.length, queued: piscina.queueSize, utilization: piscina.utilization }),
    close: () => piscina.destroy(),
  };
}
