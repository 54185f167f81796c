// Registry mirrors on both databases: PostgreSQL loads with COPY, the embedded
// one with batched INSERTs; either way an import replaces the mirror whole,
// re-importing the same file changes nothing, and a bad file leaves the old
// mirror as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/index.ts';
import { importRegistry } from '../../workers/registry/import.ts';
import { localRegistry } from '../../workers/registry/local.ts';
import { testEnvironment, type TestEnvironment } from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-registry-'));
const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = 'card_series,card_number,surname,given_names,date_of_birth,passport_number,entry_date,stay_until';
const FIRST = file(
  'first.csv',
  `${HEADER}\n4595,4621490,JURAEV,ULUGBEK,1997-11-14,AB3719505,2026-04-11,2026-07-09\n"4627","3955002","AKHMETOV","DAUREN","1997-05-11","N10668269","2026-05-08","2026-08-05"\n`,
);
// A newer export with the holder's earlier stays (optional: the files above have no such column).
const WITH_HISTORY = file(
  'history.csv',
  `${HEADER},earlier_stays\n4627,3955002,AKHMETOV,DAUREN,1997-05-11,N10668269,2026-05-08,2026-08-05,2026-01-10/2026-02-01;2026-03-01/2026-03-05\n`,
);
const SECOND = file(
  'second.csv',
  `${HEADER}\n4627,3955002,AKHMETOV,DAUREN,1997-05-11,N10668269,2026-05-08,2026-09-01\n`,
);

for (const kind of ['postgres', 'pglite'] as const)
  describeWithServers(kind === 'postgres' ? ['postgres'] : [], `registry mirror on ${kind}`, () => {
    let environment: TestEnvironment;
    let db: Database;
    beforeAll(async () => {
      environment = await testEnvironment({ db: kind, queue: 'memory' });
      db = await openDatabase(environment.config);
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      await environment?.cleanup();
    });

    it('answers «unavailable» before any import: an empty mirror proves nothing', async () => {
      expect(await localRegistry(db).lookup('migration_records', '4595|4621490')).toMatchObject({
        status: 'unavailable',
      });
    });

    it('imports a file, finds its rows by normalised key, and records the import', async () => {
      const result = await importRegistry(db, 'migration_records', FIRST);
      expect(result).toMatchObject({ rows: 2, unchanged: false });
      const registry = localRegistry(db);
      expect(await registry.lookup('migration_records', '4627|3955002')).toEqual({
        status: 'found',
        record: {
          surname: 'AKHMETOV',
          given_names: 'DAUREN',
          date_of_birth: '1997-05-11',
          passport_number: 'N10668269',
          entry_date: '2026-05-08',
          stay_until: '2026-08-05',
        },
      });
      expect(await registry.lookup('migration_records', '9999|0000000')).toEqual({ status: 'not_found' });
      expect(await db.prisma.registryImport.findMany({ where: { registry: 'migration_records' } })).toMatchObject([
        { rows: 2, sha256: result.sha256 },
      ]);
    });

    it('changes nothing when the same file comes again', async () => {
      expect(await importRegistry(db, 'migration_records', FIRST)).toMatchObject({ rows: 2, unchanged: true });
      expect(await db.prisma.registryImport.count({ where: { registry: 'migration_records' } })).toBe(1);
    });

    it('keeps the optional earlier stays when an export has them', async () => {
      await importRegistry(db, 'migration_records', WITH_HISTORY);
      expect(await localRegistry(db).lookup('migration_records', '4627|3955002')).toMatchObject({
        record: { stay_until: '2026-08-05', earlier_stays: '2026-01-10/2026-02-01;2026-03-01/2026-03-05' },
      });
    });

    it('replaces the whole mirror with a new file', async () => {
      expect(await importRegistry(db, 'migration_records', SECOND)).toMatchObject({ rows: 1, unchanged: false });
      const registry = localRegistry(db);
      expect(await registry.lookup('migration_records', '4595|4621490')).toEqual({ status: 'not_found' });
      expect(await registry.lookup('migration_records', '4627|3955002')).toMatchObject({
        record: { stay_until: '2026-09-01' },
      });
    });

    it.each([
      ['a header without the registry columns', 'series,number\n1,2\n', /header lacks/],
      ['a line with too few fields', `${HEADER}\n4595,4621490\n`, /2 fields, the header has 8/],
      [
        'a key twice',
        `${HEADER}\n1,2,A,B,2000-01-01,X1,2026-01-01,2026-02-01\n1,2,C,D,2000-01-01,X2,2026-01-01,2026-02-01\n`,
        /more than once/,
      ],
    ])('refuses %s and keeps the mirror it had', async (_, text, message) => {
      await expect(
        importRegistry(db, 'migration_records', file(`bad-${kind}-${text.length}.csv`, text)),
      ).rejects.toThrow(message);
      expect(await localRegistry(db).lookup('migration_records', '4627|3955002')).toMatchObject({ status: 'found' });
    });
  });
