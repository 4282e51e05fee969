// The HTTP load generator of npm run bench:ledger and of the chat part of npm run bench:nlu, in a
// process of its own as pgbench's client is: the benchmark's own process has run the service-layer
// load in-process (or serves the requests), and its heap, compiled code and event loop are not the
// load generator's business; a generator in the server's process counts its own time as latency. One undici Client (one keep-alive
// connection) per simulated client, as pgbench gives each client its own connection. Runs a
// closed loop whenever the parent asks and sends back what it measured.
import { Client, type Dispatcher } from 'undici';
import { closedLoop, type LoadResult } from './bench-kit.js';

export interface HttpLoadSetup {
  port: number;
  adminKey: string;
  userIds: number[];
  maxClients: number;
  /** Chat turns instead of ledger writes: client c is chat user c, sending `messages` in turn. */
  chat?: { serviceKey: string; messages: string[] };
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
function post(client: number, path: string, body: unknown, key = setup.adminKey, expected = 201) {
  return new Promise<void>((resolve, reject) => {
    let status = 0;
    const handler: Dispatcher.DispatchHandlers = {
      onConnect() {},
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData: () => true,
      onComplete: () => (status === expected ? resolve() : reject(new Error(`HTTP ${status}`))),
      onError: reject,
    };
    connections[client]!.dispatch(
      {
        path,
        method: 'POST',
        body: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${key}`,
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

// The same deterministic walk through the mix as the in-process bench had, one user per client.
const chatTurn = (chat: NonNullable<HttpLoadSetup['chat']>) => (client: number, i: number) =>
  post(
    client,
    '/v1/chat',
    {
      user: { channel: 'telegram', externalId: `bench-chat-${client}`, displayName: `U${client}` },
      text: chat.messages[(client * 7 + i) % chat.messages.length]!,
    },
    chat.serviceKey,
    200,
  );

process.on('message', (run: HttpLoadRun) => {
  void closedLoop(run.clients, run.ms, setup.chat ? chatTurn(setup.chat) : op(run.hot)).then(
    (result: LoadResult) => process.send!(result),
  );
});
process.on(
  'disconnect',
  () => void Promise.all(connections.map((c) => c.close())).then(() => process.exit(0)),
);
process.send!('ready');
