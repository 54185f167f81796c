// Files the service reads beside its code (migrations, models, the workspace's
// pages), found from the project's root: the same whether the code runs from
// its TypeScript sources or compiled into dist/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'prisma', 'schema.prisma')))
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error('docverify: cannot find the project root (package.json beside prisma/)');
  }
}

export const ROOT = projectRoot();

/** A path under the project's root. */
export const fromRoot = (...parts: string[]) => path.join(ROOT, ...parts);
