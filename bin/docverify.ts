// docverify — the service's command line. `docverify help` lists the commands.
import { parseArgs } from 'node:util';
import { startService } from '../api/server.ts';
import { loadConfig, type Config } from '../core/config.ts';
import { errorMessage, log, setLogLevel } from '../core/log.ts';
import { createApiKey } from '../db/api-keys.ts';
import { writeNextMigration } from '../db/diff.ts';
import { openDatabase } from '../db/index.ts';
import { Role } from '../generated/prisma/enums.ts';
import { openRuntime } from '../workers/runtime.ts';

const HELP = `docverify — checks identity documents uploaded to the portal

  docverify serve                      run the HTTP API (and job workers unless RUN_WORKERS=0)
  docverify worker                     run job workers only (needs DATABASE_URL and REDIS_URL)
  docverify db migrate                 apply pending migrations
  docverify db diff NAME               write the migration that brings the database to prisma/schema.prisma
  docverify keys create --role ROLE [--name NAME]   print a new API key (roles: ${Object.values(Role).join(', ')})
  docverify keys list                  list API keys (prefixes only)
  docverify keys revoke ID             revoke a key

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
  log.info('worker started', { concurrency: config.workerConcurrency, threads: config.poolThreads });
  closeOnSignal(() => runtime.close());
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
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  const [action, id] = positionals;
  const database = await openDatabase(config);
  try {
    const { prisma } = database;
    if (action === 'create') {
      const role = values.role as Role;
      if (!Object.values(Role).includes(role)) throw new Error(`--role must be one of ${Object.values(Role).join(', ')}`);
      const { key, client } = await createApiKey(prisma, role, values.name ?? `${role} key`);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created key ${client.id} (${role}); store it now, it is not shown again\n`);
    } else if (action === 'list') {
      for (const c of await prisma.apiClient.findMany({ orderBy: { createdAt: 'asc' } })) {
        process.stdout.write(`${c.id}  ${c.role.padEnd(8)}  ${c.keyPrefix}…  ${c.revokedAt ? 'revoked' : 'active '}  ${c.name}\n`);
      }
    } else if (action === 'revoke' && id) {
      await prisma.apiClient.update({ where: { id }, data: { revokedAt: new Date() } });
      process.stdout.write(`revoked ${id}\n`);
    } else throw new Error('usage: docverify keys create --role ROLE | keys list | keys revoke ID');
  } finally {
    await database.close();
  }
}

const COMMANDS: Record<string, (config: Config, args: string[]) => Promise<void>> = { serve, worker, db, keys };

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
