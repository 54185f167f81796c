// The one retry schedule: exponential from `base`, capped at `max`, with jitter
// so that many clients failing together do not retry together.
//   none  — exactly base · 2^(attempt−1) (the job queue, like BullMQ's `exponential`);
//   full  — uniformly 0 … that step (AWS's "full jitter": the registry client);
//   equal — ×0.5 … ×1.5 of it (webhooks: never much sooner than the step).
export interface Backoff {
  /** 1 for the wait before the first retry. */
  attempt: number;
  base: number;
  max?: number;
  jitter?: 'none' | 'full' | 'equal';
  random?: () => number;
}

export function backoff({ attempt, base, max = Infinity, jitter = 'none', random = Math.random }: Backoff): number {
  const step = Math.min(max, base * 2 ** (attempt - 1));
  if (jitter === 'full') return Math.round(random() * step);
  if (jitter === 'equal') return Math.round(step * (0.5 + random()));
  return step;
}
