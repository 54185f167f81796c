// Authors migrations without a database server or the native Prisma engine:
// the WebAssembly build of Prisma's schema engine replays the committed
// migrations into an in-memory PGlite and diffs the result against
// schema.prisma. The package is prerelease-versioned and pinned with prisma.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { listMigrations, MIGRATIONS_DIR, SCHEMA_FILE } from './migrate.ts';

type EngineModule = typeof SchemaEngineWasm;
type WasmExports = Record<string, unknown>;
// @types/node does not declare the WebAssembly global; this is the part we use.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }> };
};

let engineModule: Promise<EngineModule> | undefined;

/** The package imports its .wasm the bundler way; Node needs it instantiated by hand. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineModule & {
      __wbg_set_wasm(exports: WasmExports): void;
    };
    const wasmPath = path.join(
      path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm')),
      'schema_engine_bg.wasm',
    );
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), {
      './schema_engine_bg.js': glue,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

function readLockfile(migrationsDir: string): string | null {
  const file = path.join(migrationsDir, 'migration_lock.toml');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

/**
 * SQL that brings a database migrated with every migration in `migrationsDir`
 * to `schemaFile`; an empty string when they agree (no drift).
 */
export async function diffMigrationsToSchema(
  migrationsDir = MIGRATIONS_DIR,
  schemaFile = SCHEMA_FILE,
): Promise<string> {
  const { SchemaEngine } = await loadEngineModule();
  const schema = { path: schemaFile, content: fs.readFileSync(schemaFile, 'utf8') };
  const pglite = new PGlite();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite));
  const engine = await SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => undefined, adapter);
  try {
    const result = await engine.diff({
      from: {
        tag: 'migrations',
        baseDir: migrationsDir,
        lockfile: { path: 'migration_lock.toml', content: readLockfile(migrationsDir) },
        shadowDbInitScript: '',
        migrationDirectories: listMigrations(migrationsDir).map((migration) => ({
          path: migration.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.sql } },
        })),
      },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const script = result.stdout ?? '';
    return /^\s*(--[^\n]*\s*)*$/.test(script) ? '' : script;
  } finally {
    engine.free();
    await pglite.close();
  }
}

/** Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql; returns its path, or undefined when in sync. */
export async function writeNextMigration(name: string, migrationsDir = MIGRATIONS_DIR): Promise<string | undefined> {
  if (!/^[a-z0-9_]+$/.test(name))
    throw new Error('A migration name is lower-case letters, digits and _ (e.g. add_reviews)');
  const script = await diffMigrationsToSchema(migrationsDir);
  if (!script) return undefined;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), script);
  return path.join(dir, 'migration.sql');
}
