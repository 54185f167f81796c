// The applicant's earlier stays for the 90-in-180 rule, as settlement reads them
// from PostgreSQL: every migration card read in the account's other
// applications — not this application's, not a card that failed, not another
// account's.
import { expect, it } from 'vitest';
import { DEFAULT_ORGANIZATION_ID } from '../../db/organizations.ts';
import { earlierStaysOf } from '../../services/settlement.ts';
import { describeWithServers } from '../helpers/servers.ts';
import { postgresDatabase } from '../helpers/service.ts';

const postgres = postgresDatabase();
let stored = 0;

const account = () =>
  postgres.db.prisma.account.create({
    data: {
      organizationId: DEFAULT_ORGANIZATION_ID,
      surnameLatin: 'KARIMOV',
      givenNamesLatin: 'BOBUR',
      dateOfBirth: new Date('1993-02-11'),
      sex: 'M',
      citizenship: 'UZB',
    },
  });

const application = async (accountId: string) =>
  (
    await postgres.db.prisma.application.create({
      data: { organizationId: DEFAULT_ORGANIZATION_ID, accountId, serviceType: 'registration_at_stay' },
    })
  ).id;

async function card(applicationId: string, stay: { entryDate: string; stayUntil: string }, status = 'processed') {
  stored++;
  await postgres.db.prisma.document.create({
    data: {
      applicationId,
      kind: 'migration_card',
      status: status as 'processed' | 'failed',
      contentType: 'image/jpeg',
      sizeBytes: 1,
      sha256: String(stored).padStart(64, '0'),
      storageKey: `earlier-stays-${stored}`,
      extracted: { card: { fields: { series: '4617', number: String(stored), ...stay } } },
    },
  });
}

describeWithServers(['postgres'], 'earlier stays', () => {
  it("reads the cards of the account's other applications, each read card once", async () => {
    const { id: accountId } = await account();
    const [first, second, current] = [
      await application(accountId),
      await application(accountId),
      await application(accountId),
    ];
    await card(first, { entryDate: '2026-01-05', stayUntil: '2026-02-10' });
    await card(second, { entryDate: '2026-03-01', stayUntil: '2026-03-20' });
    await card(second, { entryDate: '2026-03-25', stayUntil: '2026-03-30' }, 'failed'); // never read: not a stay
    await card(current, { entryDate: '2026-05-01', stayUntil: '2026-07-20' }); // the card being judged
    const other = await application((await account()).id);
    await card(other, { entryDate: '2026-04-01', stayUntil: '2026-04-30' }); // someone else's

    const stays = await postgres.db.prisma.$transaction((tx) => earlierStaysOf(tx, accountId, current));
    expect(stays.sort((a, b) => a.entryDate.localeCompare(b.entryDate))).toEqual([
      { entryDate: '2026-01-05', stayUntil: '2026-02-10' },
      { entryDate: '2026-03-01', stayUntil: '2026-03-20' },
    ]);
  });
});
