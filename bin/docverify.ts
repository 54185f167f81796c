#!/usr/bin/env node
// docverify — the service's command line. `docverify help` lists the commands.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startService } from '../api/server.ts';
import { loadConfig, type Config } from '../core/config.ts';
import { errorMessage, log, setLogLevel } from '../core/log.ts';
import { z } from 'zod';
import { createApiKey, listApiClients, revokeApiClient } from '../db/api-keys.ts';
import { verifyAudit } from '../db/audit.ts';
import { createOrganization, find as findOrganization, list as listOrganizations } from '../db/organizations.ts';
import { writeNextMigration } from '../db/diff.ts';
import { openDatabase } from '../db/index.ts';
import { DocumentKind, Role } from '../generated/prisma/enums.ts';
import { reasonMessage } from '../core/reasons.ts';
import { CHALLENGE_STEPS, type ChallengeStep } from '../pipeline/liveness/challenge.ts';
import { REGISTRY_KINDS, type RegistryKind } from '../pipeline/registry/index.ts';
import { importRegistry, latestImport } from '../workers/registry/import.ts';
import { createStagePool } from '../workers/pool.ts';
import { mapLimit, readFile, type ReadResult } from '../workers/reader.ts';
import { openRuntime } from '../workers/runtime.ts';
import { runtimeMetrics, serveMetrics } from '../workers/metrics.ts';

const HELP = `docverify — checks identity documents uploaded to the portal

  docverify serve                      run the HTTP API (and job workers unless RUN_WORKERS=0)
  docverify worker                     run job workers only (needs DATABASE_URL and REDIS_URL)
  docverify db migrate                 apply pending migrations
  docverify db diff NAME               write the migration that brings the database to prisma/schema.prisma
  docverify orgs create NAME [--webhook-url URL]   create an organisation (prints its id and webhook secret)
  docverify orgs list                  list organisations
  docverify keys create --role ROLE [--org ORG_ID] [--name NAME]
                                       print a new API key (roles: ${Object.values(Role).join(', ')}); portal and
                                       reviewer keys belong to --org (default: the default organisation)
  docverify audit verify               walk the audit chains; exit 1 at the first broken link
  docverify keys list                  list API keys (prefixes only)
  docverify keys revoke ID             revoke a key
  docverify registry import KIND FILE  load a registry export (CSV) into its local mirror (KIND: ${REGISTRY_KINDS.join(', ')})
  docverify registry import-all DIR    import every <KIND>.csv in DIR (e.g. fixtures/golden/registries)
  docverify registry status            what each local mirror holds
  docverify read FILE... [--kind KIND] [--json] [--crops DIR]
                                       run the pipeline on files (no server, no database);
                                       --crops writes the face crops the stages keep;
                                       --kind mrz_line reads crops that each hold one MRZ line
  docverify match DOCUMENT_OR_PORTRAIT SELFIE... [--challenge left,right] [--json]
                                       compare a document's portrait with selfies; several selfies are the
                                       frames of an active challenge (steps: left, right, up, down)

Configuration comes from the environment; see README.md.`;

/** Runs until SIGINT/SIGTERM, then closes cleanly (the embedded database must be closed). */
function closeOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info('shutting down', { signal });
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: errorMessage(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function serve(config: Config): Promise<void> {
  const service = await startService(config);
  if (service.devKey) {
    process.stdout.write(
      `\nA development API key with the portal role was created. It is shown only this once:\n\n  ${service.devKey}\n\n` +
        `Send it as the header  Authorization: Bearer ${service.devKey}\n\n`,
    );
  }
  process.stdout.write(`docverify is listening on ${service.url}\n`);
  closeOnSignal(() => service.close());
}

async function worker(config: Config): Promise<void> {
  if (config.database.kind !== 'postgres' || config.queue.kind !== 'bullmq') {
    throw new Error(
      'A separate worker process shares jobs through Redis and records through PostgreSQL: set DATABASE_URL and ' +
        'REDIS_URL. In the embedded mode `npm start` runs the workers itself.',
    );
  }
  const runtime = await openRuntime(config);
  runtime.consume();
  // A worker has no API: its metrics get a port of their own.
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : serveMetrics(runtimeMetrics(runtime), config.host, config.metricsPort);
  log.info('worker started', {
    concurrency: config.workerConcurrency,
    threads: config.poolThreads,
    metricsPort: config.metricsPort,
  });
  closeOnSignal(async () => {
    metricsServer?.close();
    await runtime.close();
  });
}

async function db(config: Config, args: string[]): Promise<void> {
  const [action, name] = args;
  if (action === 'migrate') {
    const database = await openDatabase(config); // applies pending migrations on open
    await database.close();
    process.stdout.write('database is up to date\n');
  } else if (action === 'diff') {
    if (!name) throw new Error('usage: docverify db diff NAME');
    const file = await writeNextMigration(name);
    process.stdout.write(file ? `wrote ${file}\n` : 'schema.prisma and the migrations agree: nothing to write\n');
  } else throw new Error('usage: docverify db migrate | docverify db diff NAME');
}

async function keys(config: Config, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, org: { type: 'string' } },
  });
  const [action, id] = positionals;
  const database = await openDatabase(config);
  try {
    const { prisma } = database;
    if (action === 'create') {
      const role = values.role as Role;
      if (!Object.values(Role).includes(role))
        throw new Error(`--role must be one of ${Object.values(Role).join(', ')}`);
      if (values.org && !(await findOrganization(prisma, values.org))) throw new Error(`no organisation ${values.org}`);
      const { key, client } = await createApiKey(prisma, {
        role,
        name: values.name ?? `${role} key`,
        organizationId: values.org,
      });
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created key ${client.id} (${role}); store it now, it is not shown again\n`);
    } else if (action === 'list') {
      for (const c of await listApiClients(prisma)) {
        process.stdout.write(
          `${c.id}  ${c.role.padEnd(8)}  ${c.keyPrefix}…  ${c.revokedAt ? 'revoked' : 'active '}  org ${c.organizationId ?? 'all   '}  ${c.name}\n`,
        );
      }
    } else if (action === 'revoke' && id) {
      await revokeApiClient(prisma, id);
      process.stdout.write(`revoked ${id}\n`);
    } else throw new Error('usage: docverify keys create --role ROLE | keys list | keys revoke ID');
  } finally {
    await database.close();
  }
}

async function orgs(config: Config, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'webhook-url': { type: 'string' } },
  });
  const [action, name] = positionals;
  const database = await openDatabase(config);
  try {
    if (action === 'create' && name) {
      const url = values['webhook-url'];
      if (url) z.url().parse(url);
      const org = await createOrganization(database.prisma, name, url ? { url } : undefined);
      process.stdout.write(`${org.id}\n`);
      if (org.webhookSecret)
        process.stderr.write(
          `webhook secret (store it now, the portal verifies signatures with it): ${org.webhookSecret}\n`,
        );
    } else if (action === 'list') {
      for (const org of await listOrganizations(database.prisma)) {
        process.stdout.write(`${org.id}  ${org.name}  ${org.webhookUrl ?? '(no webhook)'}\n`);
      }
    } else throw new Error('usage: docverify orgs create NAME [--webhook-url URL] | orgs list');
  } finally {
    await database.close();
  }
}

async function audit(config: Config, args: string[]): Promise<void> {
  if (args[0] !== 'verify') throw new Error('usage: docverify audit verify');
  const database = await openDatabase(config);
  try {
    const result = await verifyAudit(database.prisma);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.broken) {
      const { chain, seq, id, problem } = result.broken;
      process.stderr.write(`audit chain "${chain}" is broken at event ${seq}${id ? ` (${id})` : ''}: ${problem}\n`);
      process.exitCode = 1;
    } else process.stderr.write(`audit trail intact: ${result.events} events in ${result.chains} chains\n`);
  } finally {
    await database.close();
  }
}

function progressBar(done: number, total: number, unit = ' files'): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${unit}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
  else if (done === total || done % Math.max(1, Math.round(total / 10)) === 0) process.stderr.write(`${line}\n`);
}

async function read(config: Config, args: string[]): Promise<void> {
  const { positionals: files, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string', default: 'passport' },
      json: { type: 'boolean', default: false },
      crops: { type: 'string' },
    },
  });
  const kinds = [...Object.values(DocumentKind), 'mrz_line'];
  if (!kinds.includes(values.kind!)) throw new Error(`--kind must be one of ${kinds.join(', ')}`);
  if (files.length === 0) throw new Error('usage: docverify read FILE... [--kind KIND] [--json]');
  const pool = createStagePool(config.poolThreads);
  try {
    // One warm pool for all files, printed as each finishes.
    await mapLimit(files, config.poolThreads, async (file) => {
      if (values.kind === 'mrz_line') {
        // A crop holding one MRZ line: the path the line benchmark measures.
        const line = await pool.run({ type: 'mrz_line', bytes: await fs.promises.readFile(file) });
        process.stdout.write(
          values.json
            ? `${JSON.stringify({ file, ...line })}\n`
            : `${file}\t${line.text}${line.valid ? '' : '\t(check digits not confirmed)'}\n`,
        );
        return;
      }
      if (values.crops) await fs.promises.mkdir(values.crops, { recursive: true });
      const result = await readFile(pool, file, values.kind as DocumentKind, config.limits, config.now(), values.crops);
      process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : describeRead(result));
    });
  } finally {
    await pool.close();
  }
}

function describeRead(result: ReadResult): string {
  const { intake } = result;
  const lines = [
    `${result.file} (${result.kind})`,
    intake.outcome === 'pass'
      ? `  intake     pass  ${intake.contentType}, ${intake.pageCount} page(s), ${intake.sizeBytes} bytes`
      : `  intake     fail  ${intake.reasonCode}: ${intake.message}`,
    ...result.checks.map((check) => {
      const pages =
        (check.details.pages as { width: number; height: number; orientation: number; source: string }[] | undefined) ??
        [];
      const detail =
        check.message ??
        (check.stage !== 'normalize'
          ? ''
          : pages
              .map((p) => `${p.width}×${p.height} ${p.source}${p.orientation > 1 ? ` exif ${p.orientation}` : ''}`)
              .join(', '));
      return `  ${check.stage.padEnd(10)} ${check.outcome.padEnd(5)} ${check.reasonCode ? `${check.reasonCode}: ` : ''}${detail} (${check.durationMs} ms)`;
    }),
    ...(result.mrz ? [`  mrz        ${result.mrz.lines.join(' / ')}`] : []),
    ...(result.viz?.comparison ?? []).map(
      (c) =>
        `  viz        ${c.field.padEnd(15)} ${c.status.padEnd(9)} printed ${c.viz ?? '—'}, mrz ${c.mrz ?? '—'}${c.note ? ` (${c.note})` : ''}`,
    ),
    ...Object.entries(result.card?.fields ?? {}).map(
      ([name, f]) => `  card       ${name.padEnd(15)} ${f.value} (confidence ${f.confidence.toFixed(2)})`,
    ),
  ];
  return `${lines.join('\n')}\n\n`;
}

async function registry(config: Config, args: string[]): Promise<void> {
  const [action, kind, file] = args;
  const usage = `usage: docverify registry import KIND FILE | registry import-all DIR | registry status   (KIND: ${REGISTRY_KINDS.join(', ')})`;
  if (action === 'import' && (!kind || !file || !REGISTRY_KINDS.includes(kind as RegistryKind))) throw new Error(usage);
  if (action === 'import-all' && !kind) throw new Error(usage);
  if (!['import', 'import-all', 'status'].includes(action ?? '')) throw new Error(usage);
  const database = await openDatabase(config);
  try {
    if (action === 'status') {
      for (const kind of REGISTRY_KINDS) {
        const last = await latestImport(database.prisma, kind);
        process.stdout.write(
          `${kind.padEnd(18)} ${last ? `${last.rows} rows, sha256 ${last.sha256.slice(0, 16)}…, ${last.importedAt.toISOString()} from ${last.fileName}` : 'never imported'}\n`,
        );
      }
      return;
    }
    // import-all: every <kind>.csv the folder holds (a corpus's registries/, say).
    const jobs: [RegistryKind, string][] =
      action === 'import'
        ? [[kind as RegistryKind, file!]]
        : REGISTRY_KINDS.map((k): [RegistryKind, string] => [k, path.join(kind!, `${k}.csv`)]).filter(([, f]) =>
            fs.existsSync(f),
          );
    if (jobs.length === 0)
      throw new Error(`${kind}: no registry files (${REGISTRY_KINDS.map((k) => `${k}.csv`).join(', ')})`);
    for (const [registryKind, registryFile] of jobs) {
      let shown = -1;
      const result = await importRegistry(database, registryKind, registryFile, (done, total) => {
        const percent = Math.floor((done / total) * 100);
        if (percent !== shown) progressBar((shown = percent), 100, ' % read');
      });
      const rate = result.durationMs ? Math.round((result.rows / result.durationMs) * 1000) : result.rows;
      process.stdout.write(
        result.unchanged
          ? `${registryKind}: unchanged — the mirror already holds this file (${result.rows} rows, sha256 ${result.sha256})\n`
          : `${registryKind}: imported ${result.rows} rows in ${(result.durationMs / 1000).toFixed(1)} s (${rate} rows/s), sha256 ${result.sha256}\n`,
      );
    }
  } finally {
    await database.close();
  }
}

/** A portrait (document page or photo) against selfies; several selfies are one challenge's frames. */
async function match(config: Config, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, challenge: { type: 'string', default: 'left,right' } },
  });
  const [documentFile, ...selfieFiles] = positionals;
  if (!documentFile || selfieFiles.length === 0)
    throw new Error('usage: docverify match DOCUMENT_OR_PORTRAIT SELFIE... [--challenge left,right] [--json]');
  const steps = values.challenge!.split(',').filter(Boolean);
  const unknown = steps.filter((step) => !CHALLENGE_STEPS.includes(step as ChallengeStep));
  if (unknown.length)
    throw new Error(`--challenge steps must be among ${CHALLENGE_STEPS.join(', ')} (got ${unknown.join(', ')})`);
  const pool = createStagePool(config.poolThreads);
  try {
    const uploads = await Promise.all(
      positionals.map(async (file) => {
        const bytes = await fs.promises.readFile(file);
        const intake = await pool.run({ type: 'inspect', bytes, limits: config.limits });
        if (!intake.ok)
          throw new Error(`${file}: ${intake.reasonCode}: ${reasonMessage(intake.reasonCode, intake.params)}`);
        return { contentType: intake.contentType, bytes };
      }),
    );
    const result = await pool.run({
      type: 'match',
      document: uploads[0]!,
      selfies: uploads.slice(1),
      challenge: steps.slice(0, selfieFiles.length - 1) as ChallengeStep[],
      limits: config.limits,
    });
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const { match: m, liveness } = result;
      process.stdout.write(
        `match     ${m.band ?? `not compared (${'reason' in m ? m.reason : ''})`}${m.score !== null ? `, score ${m.score}` : ''}\n` +
          `liveness  ${liveness.decision}, score ${liveness.score}${liveness.reasons.length ? ` (${liveness.reasons.join(', ')})` : ''}\n` +
          (result.challenge
            ? `challenge ${result.challenge.passed ? 'passed' : `failed: ${result.challenge.problems.map((p) => `${p.code}: ${reasonMessage(p.code, p.params)}`).join('; ')}`}\n`
            : ''),
      );
    }
  } finally {
    await pool.close();
  }
}

const COMMANDS: Record<string, (config: Config, args: string[]) => Promise<void>> = {
  serve,
  worker,
  db,
  orgs,
  keys,
  audit,
  registry,
  read,
  match,
};

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    process.stdout.write(`${HELP}\n`);
    if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  setLogLevel(config.logLevel);
  await run(config, args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`docverify: ${errorMessage(error)}\n`);
  process.exit(1);
});
