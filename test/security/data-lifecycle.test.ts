// Personal data at rest and over time: DATA_DIR private whatever the umask,
// erasure on request and after retention leaving no personal data in any
// table or blob, the tamper-evident audit chain (and the CLI that checks it),
// and the exactly-once webhook outbox under two dispatchers.
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit.ts';
import { eraseExpired } from '../../services/erasure.ts';
import { createOrganization } from '../../db/organizations.ts';
import { sweepOrphanBlobs } from '../../workers/sweeper.ts';
import { dispatchWebhooks } from '../../workers/webhooks.ts';
import * as files from '../helpers/files.ts';
import { runCli } from '../helpers/process.ts';
import {
  createApplication,
  goldenProfile,
  PG_URL,
  startTestService,
  uploadForm,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

const GOLDEN = 'valid-kaz';
const truth = () =>
  JSON.parse(fs.readFileSync(new URL(`../../fixtures/golden/${GOLDEN}/expected.json`, import.meta.url), 'utf8'));

/** Every row of every table of ours, as text (the registry mirrors are the state's data, not the applicant's). */
async function everyRow(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (
      await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'registry_%' AND table_name <> '_prisma_migrations'",
      )
    ).rows.map((row) => row.table_name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'Account',
        'Application',
        'Document',
        'CheckResult',
        'Notification',
        'WebhookDelivery',
        'AuditEvent',
        'ApplicationStatusHistory',
        'Review',
        'VerificationRun',
      ]),
    );
    const dumps = [];
    for (const table of tables)
      dumps.push(
        ...(await client.query(`SELECT t::text AS row FROM "${table}" t`)).rows.map((row) => `${table}: ${row.row}`),
      );
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

async function settledApplication(
  t: TestService,
): Promise<{ applicationId: string; accountId: string; documentIds: string[] }> {
  const applicationId = await createApplication(t, goldenProfile(GOLDEN));
  const documentIds = await uploadGoldenSet(t, applicationId, GOLDEN);
  const application = await waitFor(
    async () => {
      const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
      return body.status !== 'processing' ? body : undefined;
    },
    90_000,
    'settlement',
  );
  expect(application.status).toBe('approved');
  return { applicationId, accountId: application.accountId, documentIds };
}

describeWithServers(['postgres'], 'personal data lifecycle (PostgreSQL)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(
      { db: 'postgres', queue: 'memory' },
      { WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: 'a-default-secret-of-length' },
    );
  });
  afterAll(() => t?.stop());

  it('erases an applicant on request: no name, number, date of birth or contact in any table, no scan or crop left; the verdict stays', async () => {
    const { applicationId, accountId, documentIds } = await settledApplication(t);
    const { profile, documents } = truth();
    const passportNumber = documents.find((d: { kind: string }) => d.kind === 'passport').fields
      .documentNumber as string;
    const personal = [
      profile.surnameLatin,
      profile.givenNamesLatin,
      profile.surnameCyrillic,
      profile.dateOfBirth,
      passportNumber,
    ].filter(Boolean) as string[];
    const before = await everyRow(t.environment.env.DATABASE_URL!);
    for (const value of personal) expect(before, `${value} is stored before erasure`).toContain(value);

    const erased = await t.api('DELETE', `/v1/accounts/${accountId}`);
    expect(erased).toMatchObject({ status: 200, body: { accountId, applications: 1 } });

    const after = await everyRow(t.environment.env.DATABASE_URL!);
    for (const value of personal) expect(after.includes(value), `${value} survives erasure`).toBe(false);
    const blobs = [];
    for await (const blob of t.service.runtime.blobs.list()) blobs.push(blob.key);
    expect(blobs.filter((key) => documentIds.some((id) => key.startsWith(id)))).toEqual([]);
    // What stays: the status, reason codes, history, a pseudonymous audit trail.
    const application = await t.api('GET', `/v1/applications/${applicationId}`, { key: t.keys.admin });
    expect(application.body).toMatchObject({ status: 'approved', erased: true });
    expect(application.body.history.map((h: { to: string }) => h.to)).toEqual(['draft', 'processing', 'approved']);
    const audit = await t.service.runtime.db.prisma.auditEvent.findMany({
      where: { entityId: { in: [applicationId, accountId] } },
    });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['application.erased', 'account.erased', 'application.status_changed']),
    );
    // The portal no longer finds the applicant.
    expect((await t.api('DELETE', `/v1/accounts/${accountId}`)).status).toBe(404);
  });

  it('erases decided applications after RETENTION_DAYS, and their applicant once all are erased', async () => {
    const { applicationId, accountId } = await settledApplication(t);
    const { profile } = truth();
    const deps = t.service.runtime;
    // Not yet due: decided just now.
    expect(await eraseExpired(deps, new Date(), 90)).toEqual({ applications: 0, accounts: 0 });
    const result = await eraseExpired(deps, new Date(Date.now() + 91 * 86_400_000), 90);
    expect(result).toEqual({ applications: 1, accounts: 1 });
    const { prisma } = deps.db;
    expect(await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).toMatchObject({
      status: 'approved',
    });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: accountId } })).erasedAt).not.toBeNull();
    const after = await everyRow(t.environment.env.DATABASE_URL!);
    expect(after.includes(profile.surnameLatin)).toBe(false);
  });

  it('refuses to UPDATE or DELETE audit rows, and `docverify audit verify` finds an edited and a deleted row', async () => {
    const url = t.environment.env.DATABASE_URL!;
    const verifyCli = async () => {
      const cli = runCli(['audit', 'verify'], {
        DATABASE_URL: url,
        STORAGE_KEY: t.environment.env.STORAGE_KEY!,
        LOG_LEVEL: 'error',
      });
      const code = await cli.exited;
      return { code, output: cli.output() };
    };
    expect(await verifyCli()).toMatchObject({ code: 0, output: expect.stringContaining('audit trail intact') });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await expect(client.query(`UPDATE "AuditEvent" SET "action" = 'x'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
      // Someone who can alter the table gets past the trigger; the chain still tells.
      const victim = (
        await client.query(
          `SELECT id, chain, seq, data FROM "AuditEvent" WHERE chain <> 'global' ORDER BY seq LIMIT 1 OFFSET 3`,
        )
      ).rows[0];
      await client.query('ALTER TABLE "AuditEvent" DISABLE TRIGGER USER');
      await client.query(`UPDATE "AuditEvent" SET data = '{"edited": true}' WHERE id = $1`, [victim.id]);
      expect((await verifyAudit(t.service.runtime.db.prisma)).broken).toEqual({
        chain: victim.chain,
        seq: victim.seq,
        id: victim.id,
        problem: 'hash_mismatch',
      });
      const edited = await verifyCli();
      expect(edited.code).toBe(1);
      expect(edited.output).toContain(`broken at event ${victim.seq}`);

      // Put the row back as it was: the chain holds again. Then delete it.
      await client.query(`UPDATE "AuditEvent" SET data = $2 WHERE id = $1`, [victim.id, JSON.stringify(victim.data)]);
      expect((await verifyAudit(t.service.runtime.db.prisma)).broken).toBeUndefined();
      await client.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [victim.id]);
      expect((await verifyAudit(t.service.runtime.db.prisma)).broken).toMatchObject({
        chain: victim.chain,
        seq: victim.seq,
        problem: 'missing_event',
      });
      const deleted = await verifyCli();
      expect(deleted.code).toBe(1);
      expect(deleted.output).toContain('missing_event');
      await client.query('ALTER TABLE "AuditEvent" ENABLE TRIGGER USER');
    } finally {
      await client.end();
    }
  });

  it('delivers each event once per endpoint, with two dispatchers running at once', async () => {
    const received: string[] = [];
    const signatures: { expected: string; got: string }[] = [];
    let secret = '';
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(String(req.headers['x-docverify-delivery']));
        // Signed with this organisation's own secret, recomputed here independently.
        const expected = `sha256=${createHmac('sha256', secret).update(`${req.headers['x-docverify-timestamp']}.${body}`).digest('hex')}`;
        signatures.push({ expected, got: String(req.headers['x-docverify-signature']) });
        setTimeout(() => res.end('ok'), 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { prisma } = t.service.runtime.db;
    const org = await createOrganization(prisma, `outbox ${Date.now()}`, {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    });
    secret = org.webhookSecret!;
    const account = await prisma.account.create({
      data: {
        organizationId: org.id,
        surnameLatin: 'X',
        givenNamesLatin: 'Y',
        dateOfBirth: new Date('1990-01-01'),
        sex: 'M',
        citizenship: 'UZB',
      },
    });
    const { notify } = await import('../../services/notifications.ts');
    for (let i = 0; i < 30; i++)
      await prisma.$transaction((tx) =>
        notify(tx, { organizationId: org.id, accountId: account.id, type: 'status_changed', payload: { i } }),
      );
    const config = { attempts: 3, backoffMs: 1000, intervalMs: 1000 };
    // Two dispatchers here, and the service's own running beside them.
    await Promise.all([dispatchWebhooks(t.service.runtime.db, config), dispatchWebhooks(t.service.runtime.db, config)]);
    const deliveries = await waitFor(
      async () => {
        const rows = await prisma.webhookDelivery.findMany({ where: { organizationId: org.id } });
        return rows.every((d) => d.status === 'delivered') ? rows : undefined;
      },
      20_000,
      'every delivery delivered',
    );
    server.close();
    expect(deliveries).toHaveLength(30);
    expect(deliveries.every((d) => d.attempts === 1)).toBe(true);
    expect(received).toHaveLength(30);
    expect(received.sort()).toEqual(deliveries.map((d) => d.id).sort());
    expect(signatures.every((s) => s.expected === s.got)).toBe(true);
    // The unique key: a second delivery row for the same notification and endpoint is refused.
    await expect(
      prisma.webhookDelivery.create({
        data: {
          organizationId: org.id,
          notificationId: deliveries[0]!.notificationId,
          url: deliveries[0]!.url,
          event: 'x',
          payload: {},
        },
      }),
    ).rejects.toThrow();
  });
});

describe('DATA_DIR at rest (PGlite)', () => {
  it('is 0700/0600 whatever the umask', async () => {
    const previous = process.umask(0);
    let t: TestService | undefined;
    try {
      t = await startTestService({ db: 'pglite', queue: 'memory' }, { RUN_WORKERS: '0' });
      await createApplication(t);
      const loose: string[] = [];
      const walk = (entry: string) => {
        const stat = fs.lstatSync(entry);
        if (stat.isDirectory()) {
          if ((stat.mode & 0o777) !== 0o700) loose.push(`${entry} ${(stat.mode & 0o777).toString(8)}`);
          for (const child of fs.readdirSync(entry)) walk(path.join(entry, child));
        } else if ((stat.mode & 0o077) !== 0) loose.push(`${entry} ${(stat.mode & 0o777).toString(8)}`);
      };
      const dataDir = t.environment.env.DATA_DIR!;
      walk(dataDir);
      expect(fs.readdirSync(dataDir).length).toBeGreaterThan(0);
      expect(loose).toEqual([]);
    } finally {
      await t?.stop();
      process.umask(previous);
    }
  });
});

describeWithServers(['postgres'], 'uploads leave nothing behind, and a database outage is a 503 (PostgreSQL)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ db: 'postgres', queue: 'memory' }, { RUN_WORKERS: '0' });
  });
  afterAll(() => t?.stop());

  const blobKeys = async () => {
    const keys: string[] = [];
    for await (const blob of t.service.runtime.blobs.list()) keys.push(blob.key);
    return keys.sort();
  };

  it('removes the blob when the upload transaction fails', async () => {
    const applicationId = await createApplication(t);
    const client = new pg.Client({ connectionString: t.environment.env.DATABASE_URL });
    await client.connect();
    await client.query(`CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW."originalName" = 'fail-me.jpg' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await client.query(
      'CREATE TRIGGER refuse_marked BEFORE INSERT ON "Document" FOR EACH ROW EXECUTE FUNCTION refuse_marked()',
    );
    await client.end();
    const before = await blobKeys();
    const failed = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
      body: uploadForm('passport', await files.jpeg(), 'fail-me.jpg', 'image/jpeg'),
    });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('internal_error');
    expect(await blobKeys()).toEqual(before);
    expect(await t.service.runtime.db.prisma.document.count({ where: { applicationId } })).toBe(0);
  });

  it('sweeps blobs without a row once they are a day old, and keeps the rest', async () => {
    const applicationId = await createApplication(t);
    const kept = (
      await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm('passport', await files.jpeg(), 'a.jpg', 'image/jpeg'),
      })
    ).body.documentId as string;
    const { blobs } = t.service.runtime;
    const orphan = randomUUID();
    const fresh = randomUUID();
    await blobs.put(orphan, Buffer.from('orphan'));
    await blobs.put(`${orphan}.portrait`, Buffer.from('orphan crop'));
    await blobs.put(fresh, Buffer.from('still being committed'));
    const dir = t.service.runtime.config.storage.dir;
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const key of [kept, orphan, `${orphan}.portrait`])
      fs.utimesSync(path.join(dir, key.slice(0, 2), key), twoDaysAgo, twoDaysAgo);
    expect(await sweepOrphanBlobs(t.service.runtime.db, blobs)).toBe(2);
    const left = await blobKeys();
    expect(left).toEqual(expect.arrayContaining([kept, fresh]));
    expect(left).not.toContain(orphan);
    expect(left).not.toContain(`${orphan}.portrait`);
  });

  it('answers 503 with the standard error body while the database refuses connections, and recovers', async () => {
    const applicationId = await createApplication(t);
    const database = new URL(t.environment.env.DATABASE_URL!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      const down = await t.api('GET', `/v1/applications/${applicationId}`);
      expect(down.status).toBe(503);
      expect(down.body.error).toMatchObject({
        code: 'service_unavailable',
        message: expect.stringContaining('database'),
      });
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const up = await waitFor(
      async () => {
        const answer = await t.api('GET', `/v1/applications/${applicationId}`);
        return answer.status === 200 ? answer : undefined;
      },
      10_000,
      'the service to reconnect',
    );
    expect(up.body.id).toBe(applicationId);
  });
});
