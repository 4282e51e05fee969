// The HTTP load generator of npm run bench:ledger, in a process of its own as pgbench's client
// is: the benchmark's own process has run the service-layer load in-process, and its heap and
// compiled code are not the load generator's business. One undici Client (one keep-alive
// connection) per simulated client, as pgbench gives each client its own connection. Runs a
// closed loop whenever the parent asks and sends back what it measured.
import { Client, type Dispatcher } from 'undici';
import { closedLoop, type LoadResult } from './bench-kit.js';

export interface HttpLoadSetup {
  port: number;
  adminKey: string;
  userIds: number[];
  maxClients: number;
}

export interface HttpLoadRun {
  clients: number;
  ms: number;
  hot: boolean;
}

const setup = JSON.parse(process.argv[2]!) as HttpLoadSetup;
const connections = Array.from(
  { length: setup.maxClients },
  () => new Client(`http://127.0.0.1:${setup.port}`, { pipelining: 1 }),
);
const tag = `http-${process.pid}`;
let seq = 0;

// dispatch() is undici's lowest-level call: no response object or body stream per request. Those
// took about a third of this process's CPU (40 µs a request against 27), on a machine the server
// and PostgreSQL share with it.
function post(client: number, path: string, body: unknown) {
  return new Promise<void>((resolve, reject) => {
    let status = 0;
    const handler: Dispatcher.DispatchHandlers = {
      onConnect() {},
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData: () => true,
      onComplete: () => (status === 201 ? resolve() : reject(new Error(`HTTP ${status}`))),
      onError: reject,
    };
    connections[client]!.dispatch(
      {
        path,
        method: 'POST',
        body: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${setup.adminKey}`,
          'idempotency-key': `${tag}-${++seq}`,
        },
      },
      handler,
    );
  });
}

// Alternate grants and deductions so balances stay put.
const op = (hot: boolean) => (client: number, i: number) => {
  const userId = hot
    ? setup.userIds[0]!
    : setup.userIds[Math.floor(Math.random() * setup.userIds.length)]!;
  return post(client, i % 2 ? '/v1/admin/deductions' : '/v1/admin/grants', {
    userId,
    amount: 10,
    reason: 'bench',
  });
};

process.on('message', (run: HttpLoadRun) => {
  void closedLoop(run.clients, run.ms, op(run.hot)).then((result: LoadResult) =>
    process.send!(result),
  );
});
process.on(
  'disconnect',
  () => void Promise.all(connections.map((c) => c.close())).then(() => process.exit(0)),
);
process.send!('ready');
