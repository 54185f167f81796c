// The Prisma CLI wants to download a native schema engine for every command;
// offline we only use `prisma generate`, which works once the variable points at
// any existing file. Migrations are applied and authored by db/migrate.ts and
// db/diff.ts instead (see README, "Database").
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= '/bin/false';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
