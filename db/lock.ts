// PGlite corrupts its data directory when two processes open it, so the
// process that opens it holds a lock file and every other one is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  command: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** Takes the lock for dir or throws DataDirLockedError; returns the release function. */
export function lockDataDir(dir: string): () => void {
  // Beside the directory, not in it: PGlite initialises only an empty directory.
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const file = `${dir}.lock`;
  const me: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
  };
  for (let tries = 0; tries < 2; tries++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (!owner && Date.now() - fs.statSync(file).mtimeMs < 5000) {
        throw new DataDirLockedError(`The embedded database in ${dir} is being opened by another process.`);
      }
      const stale = !owner || (owner.host === os.hostname() && !isAlive(owner.pid));
      if (owner && !stale) {
        throw new DataDirLockedError(
          `The embedded database in ${dir} is in use by process ${owner.pid} on ${owner.host} ` +
            `(since ${owner.since}: ${owner.command}). Only one process may open it: stop that process first, ` +
            'or run against PostgreSQL by setting DATABASE_URL.',
        );
      }
      // The owner died without releasing (kill -9, power loss), or left an unreadable file: take over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not take the lock on ${dir}: another process keeps taking it.`);
}
