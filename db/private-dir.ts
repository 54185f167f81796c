// DATA_DIR holds the embedded database, the blobs and the development keys:
// personal data. Only the service's own user may read it, whatever the umask.
import fs from 'node:fs';
import path from 'node:path';

/** Sets the umask for everything this process creates and tightens what already exists under dir. */
export function makePrivate(dir: string): void {
  process.umask(0o077);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (entry: string) => {
    const stat = fs.lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(entry, 0o700);
      for (const child of fs.readdirSync(entry)) walk(path.join(entry, child));
    } else if ((stat.mode & 0o077) !== 0) fs.chmodSync(entry, stat.mode & 0o700);
  };
  walk(dir);
}
