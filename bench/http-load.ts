// The HTTP load generator of npm run bench:ledger, in a process of its own as pgbench's client
// is: the benchmark's own process has run the service-layer load in-process, and its heap and
// compiled code are not the load generator's business. One undici Client (one keep-alive
// connection) per simulated client, as pgbench gives each client its own connection. Runs a
// closed loop whenever the parent asks and sends back what it measured.
import { Client } from 'undici';
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
const connections = Array.from({ length: setup.maxClients }, () => new Client(`http://127.0.0.1:${setup.port}`, { pipelining: 1 }));
const tag = `http-${process.pid}`;
let seq = 0;

async function post(client: number, path: string, body: unknown) {
  const res = await connections[client]!.request({
    path, method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${setup.adminKey}`, 'idempotency-key': `${tag}-${++seq}` },
  });
  await res.body.dump();
  if (res.statusCode !== 201) throw new Error(`HTTP ${res.statusCode}`);
}

// Alternate grants and deductions so balances stay put.
const op = (hot: boolean) => (client: number, i: number) => {
  const userId = hot ? setup.userIds[0]! : setup.userIds[Math.floor(Math.random() * setup.userIds.length)]!;
  return post(client, i % 2 ? '/v1/admin/deductions' : '/v1/admin/grants', { userId, amount: 10, reason: 'bench' });
};

process.on('message', (run: HttpLoadRun) => {
  void closedLoop(run.clients, run.ms, op(run.hot)).then((result: LoadResult) => process.send!(result));
});
process.on('disconnect', () => void Promise.all(connections.map((c) => c.close())).then(() => process.exit(0)));
process.send!('ready');
