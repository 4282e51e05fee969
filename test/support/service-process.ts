// The service as `npm start` runs it (`node --import tsx src/main.ts`), as a child process the
// crash tests can kill -9 and start again on the same database. Every process started here is
// remembered, so a test's afterAll can end whatever an assertion left running.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the port once the service listens; rejects if it exits first. */
  port: Promise<number>;
  exited: Promise<number | null>;
  output(): string;
}

const started = new Set<ChildProcess>();

export function startService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // PORT 0: the kernel picks a free port, so the two vitest projects never collide.
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      JOBS_INTERVAL_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  const append = (d: Buffer) => {
    out += d;
    // Keep the tail only: a long run logs a lot, and only the last lines explain a failure.
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      started.delete(child);
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const port = new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 25);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`the service exited before listening:\n${out.slice(-4000)}`));
    });
  });
  port.catch(() => undefined);
  return { child, pid: child.pid!, port, exited, output: () => out };
}

/** kill -9, and wait until the process is gone (its sockets closed by the kernel). */
export async function killHard(p: ServiceProcess): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

/** SIGTERM (graceful: in-flight requests finish, the database is closed); exit code. */
export async function stopGracefully(p: ServiceProcess): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Ends every service process still running (for afterAll, also after a failed assertion). */
export async function killAllStarted(): Promise<void> {
  await Promise.all(
    [...started].map((child) => {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      return gone;
    }),
  );
}
