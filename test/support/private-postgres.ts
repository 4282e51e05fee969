// A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temp directory, on a free port),
// for tests that restart or stop the server: the shared one at TEST_DATABASE_URL must never be
// restarted. PostgreSQL refuses to run as root, so as root the commands run as the `postgres`
// OS user, which then owns the directory.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The directory of initdb and pg_ctl: pg_config's, else Debian's /usr/lib/postgresql/<v>/bin. */
export function findPgBin(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on the PATH
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(debian, v, 'bin'));
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

function osUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface PrivatePostgres {
  port: number;
  url(db: string): string;
  /** pg_ctl restart (fast: sessions are ended at once, like a failover or an upgrade). */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server and removes its directory; safe to call twice and after a failed start. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'xuefen-pg-'));
  const data = join(dir, 'data');
  const user = osUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const as = (cmd: string, args: string[]) =>
    user
      ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir })
      : run(join(bin, cmd), args, { cwd: dir });
  const port = await freePort();
  // fsync off is safe here: a restart, even an immediate one, never loses what the OS holds.
  // (synchronous_commit stays on: an immediate restart would drop acknowledged commits.)
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=60`;
  const ctl = (args: string[]) =>
    as('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);
  let running = false;
  const destroy = async () => {
    if (running) await ctl(['stop', '-m', 'immediate']).catch(() => undefined);
    running = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await as('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    running = true;
    await ctl(['start', '-o', options]);
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    restart: async (mode = 'fast') => {
      await ctl(['restart', '-m', mode, '-o', options]);
    },
    destroy,
  };
}
