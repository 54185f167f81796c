// Clarification deadlines on a real PostgreSQL, on a clock the test moves: the
// reminder goes out once, CLARIFICATION_REMIND_DAYS before the deadline; past
// it the application is rejected with `clarification_expired`, once; an
// application that got its documents is left alone.
import { expect, it } from 'vitest';
import { enforceClarificationDeadlines } from '../../services/clarifications.ts';
import { transition } from '../../services/lifecycle.ts';
import { DEFAULT_ORGANIZATION_ID } from '../../db/organizations.ts';
import { postgresDatabase } from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

const postgres = postgresDatabase();

const T0 = new Date('2026-06-01T12:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);
const SYSTEM = { type: 'system' } as const;

/** An application sent to «Требуется уточнение» at T0 with the documents due at T0 + 15 days. */
async function inClarification(): Promise<string> {
  const account = await postgres.db.prisma.account.create({
    data: {
      organizationId: DEFAULT_ORGANIZATION_ID,
      surnameLatin: 'JURAEV',
      givenNamesLatin: 'ULUGBEK',
      dateOfBirth: new Date('1997-11-14'),
      sex: 'M',
      citizenship: 'UZB',
    },
  });
  const { id } = await postgres.db.prisma.application.create({
    data: { organizationId: DEFAULT_ORGANIZATION_ID, accountId: account.id, serviceType: 'inn', status: 'processing' },
  });
  await postgres.db.prisma.$transaction((tx) =>
    transition(tx, id, { to: 'clarification_required', actor: SYSTEM, reason: 'test', deadline: day(15) }),
  );
  return id;
}

const notifications = (applicationId: string, type: string) =>
  postgres.db.prisma.notification.count({ where: { applicationId, type } });

describeWithServers(['postgres'], 'clarification deadlines', () => {
  it('reminds once, 3 days before, then rejects once past the deadline', async () => {
    const id = await inClarification();
    expect((await postgres.db.prisma.application.findUniqueOrThrow({ where: { id } })).clarificationDueAt).toEqual(
      day(15),
    );
    const requested = await postgres.db.prisma.notification.findFirstOrThrow({
      where: { applicationId: id, type: 'documents_requested' },
    });
    expect(requested.payload).toMatchObject({ deadline: day(15).toISOString() });

    await enforceClarificationDeadlines(postgres.db, day(11), 3);
    expect(await notifications(id, 'deadline_reminder')).toBe(0);
    await enforceClarificationDeadlines(postgres.db, day(12.5), 3);
    await enforceClarificationDeadlines(postgres.db, day(13), 3);
    expect(await notifications(id, 'deadline_reminder')).toBe(1);
    const reminder = await postgres.db.prisma.notification.findFirstOrThrow({
      where: { applicationId: id, type: 'deadline_reminder' },
    });
    expect(reminder.payload).toMatchObject({ deadline: day(15).toISOString() });
    expect((await postgres.db.prisma.application.findUniqueOrThrow({ where: { id } })).status).toBe(
      'clarification_required',
    );

    await enforceClarificationDeadlines(postgres.db, day(15.01), 3);
    await enforceClarificationDeadlines(postgres.db, day(16), 3);
    const rejected = await postgres.db.prisma.application.findUniqueOrThrow({
      where: { id },
      include: { history: { orderBy: { createdAt: 'asc' } } },
    });
    expect(rejected.status).toBe('rejected');
    expect(rejected.reasons).toMatchObject([{ code: 'clarification_expired' }]);
    expect(rejected.history.map((h) => h.toStatus)).toEqual(['clarification_required', 'rejected']);
    expect(await notifications(id, 'result_ready')).toBe(1);
  });

  it('leaves alone an application whose documents came, and one with no deadline', async () => {
    const answered = await inClarification();
    await postgres.db.prisma.$transaction((tx) =>
      transition(tx, answered, { to: 'processing', actor: SYSTEM, reason: 'document uploaded' }),
    );
    expect(
      (await postgres.db.prisma.application.findUniqueOrThrow({ where: { id: answered } })).clarificationDueAt,
    ).toBeNull();
    const account = await postgres.db.prisma.account.create({
      data: {
        organizationId: DEFAULT_ORGANIZATION_ID,
        surnameLatin: 'KAYA',
        givenNamesLatin: 'EMRE',
        dateOfBirth: new Date('1994-05-15'),
        sex: 'M',
        citizenship: 'TUR',
      },
    });
    const { id: noDeadline } = await postgres.db.prisma.application.create({
      data: {
        organizationId: DEFAULT_ORGANIZATION_ID,
        accountId: account.id,
        serviceType: 'inn',
        status: 'processing',
      },
    });
    await postgres.db.prisma.$transaction((tx) =>
      transition(tx, noDeadline, { to: 'clarification_required', actor: SYSTEM, reason: 'test' }),
    );

    await enforceClarificationDeadlines(postgres.db, day(30), 3);
    expect((await postgres.db.prisma.application.findUniqueOrThrow({ where: { id: answered } })).status).toBe(
      'processing',
    );
    expect((await postgres.db.prisma.application.findUniqueOrThrow({ where: { id: noDeadline } })).status).toBe(
      'clarification_required',
    );
    expect(await notifications(answered, 'deadline_reminder')).toBe(0);
  });
});
