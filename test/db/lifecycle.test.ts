// Every status transition through the one writer of Application.status:
// allowed moves leave history, an audit event and a notification; every other
// move is refused and leaves nothing.
import { DEFAULT_ORGANIZATION_ID } from '../../db/organizations.ts';
import { expect, it } from 'vitest';
import { TRANSITIONS, ApplicationStatus } from '../../core/lifecycle.ts';
import { IllegalTransitionError, transition } from '../../services/lifecycle.ts';
import { postgresDatabase } from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

const postgres = postgresDatabase();

const STATUSES = Object.values(ApplicationStatus);
const PAIRS = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

async function applicationIn(status: ApplicationStatus): Promise<string> {
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
  return (
    await postgres.db.prisma.application.create({
      data: { organizationId: DEFAULT_ORGANIZATION_ID, accountId: account.id, serviceType: 'inn', status },
    })
  ).id;
}

describeWithServers(['postgres'], 'application lifecycle', () => {
  it.each(PAIRS.filter(([from, to]) => TRANSITIONS[from].includes(to)))(
    'moves %s → %s with history, audit and a notification',
    async (from, to) => {
      const id = await applicationIn(from);
      await postgres.db.prisma.$transaction((tx) =>
        transition(tx, id, { to, actor: { type: 'system' }, reason: 'test', reasons: [] }),
      );
      const stored = await postgres.db.prisma.application.findUniqueOrThrow({
        where: { id },
        include: { history: true, notifications: true },
      });
      expect(stored.status).toBe(to);
      expect(stored.history).toMatchObject([{ fromStatus: from, toStatus: to }]);
      expect(stored.notifications).toHaveLength(1);
      expect(
        await postgres.db.prisma.auditEvent.count({ where: { entityId: id, action: 'application.status_changed' } }),
      ).toBe(1);
      expect(stored.decidedAt !== null).toBe(to === 'approved' || to === 'rejected');
    },
  );

  it('refuses every move outside the table, and writes nothing', async () => {
    const illegal = PAIRS.filter(([from, to]) => !TRANSITIONS[from].includes(to));
    expect(illegal.length).toBeGreaterThan(30);
    for (const [from, to] of illegal) {
      const id = await applicationIn(from);
      await expect(
        postgres.db.prisma.$transaction((tx) => transition(tx, id, { to, actor: { type: 'system' }, reason: 'test' })),
      ).rejects.toBeInstanceOf(IllegalTransitionError);
      const stored = await postgres.db.prisma.application.findUniqueOrThrow({
        where: { id },
        include: { history: true, notifications: true },
      });
      expect([stored.status, stored.history.length, stored.notifications.length]).toEqual([from, 0, 0]);
    }
  }, 60_000);
});
