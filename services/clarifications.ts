// Deadlines of «Требуется уточнение»: a reminder to the applicant
// CLARIFICATION_REMIND_DAYS before the deadline, and past it a rejection with
// `clarification_expired`. Run by the sweeper on the rules' clock; each
// application under its row lock, re-read, so two sweepers act once.
import { reasonEntry } from '../core/reasons.ts';
import * as applications from '../db/applications.ts';
import type { Database } from '../db/index.ts';
import { transition } from './lifecycle.ts';
import { notify } from './notifications.ts';

const SYSTEM = { type: 'system' } as const;
const DAY_MS = 86_400_000;

export async function enforceClarificationDeadlines(
  db: Database,
  now: Date,
  remindDays: number,
): Promise<{ reminded: number; expired: number }> {
  const { prisma } = db;
  const due = await applications.clarificationsDue(prisma, new Date(now.getTime() + remindDays * DAY_MS));
  const done = { reminded: 0, expired: 0 };
  for (const { id } of due) {
    await prisma.$transaction(async (tx) => {
      const application = await applications.lockAndFind(tx, id);
      const deadline = application?.clarificationDueAt;
      if (application?.status !== 'clarification_required' || !deadline) return;
      if (deadline <= now) {
        await transition(tx, id, {
          to: 'rejected',
          actor: SYSTEM,
          reason: 'clarification deadline passed',
          reasons: [reasonEntry('clarification_expired', { deadline: deadline.toISOString().slice(0, 10) })],
        });
        done.expired++;
      } else if (!application.clarificationRemindedAt) {
        await notify(tx, {
          organizationId: application.organizationId,
          accountId: application.accountId,
          applicationId: id,
          type: 'deadline_reminder',
          payload: { deadline: deadline.toISOString(), missingDocuments: application.missingDocuments },
        });
        await applications.update(tx, id, { clarificationRemindedAt: now });
        done.reminded++;
      }
    });
  }
  return done;
}
