// `npm run cluster`: the reference deployment on one machine. Two nodes (ports 8081 and 8082) on
// the local PostgreSQL and Redis, behind a small TCP balancer on PORT (8080) that hands each new
// connection to the next node that answers, so a stopped node's screens move to the other one.
// The demo simulator runs on the first node only (one source of events, as in production).

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = Number(process.env.PORT ?? 8080);
const NODE_PORTS = [PORT + 1, PORT + 2];
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/city';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Create the cluster's database on first use. */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name} must be a plain identifier`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

function startNode(port: number, simulator: boolean): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/index.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL,
      REDIS_URL,
      SIMULATOR: simulator ? (process.env.SIMULATOR ?? 'on') : 'off',
    },
    stdio: 'inherit',
  });
  return child;
}

/** Each new connection goes to the next node; a node that refuses is skipped. */
function startBalancer(): net.Server {
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    const tryNode = (attempt: number) => {
      if (attempt >= NODE_PORTS.length) {
        client.destroy();
        return;
      }
      const port = NODE_PORTS[next++ % NODE_PORTS.length]!;
      const upstream = net.connect(port, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (connected) client.destroy();
        else tryNode(attempt + 1);
      });
      client.once('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    };
    tryNode(0);
  });
  server.listen(PORT, '0.0.0.0');
  return server;
}

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  // Started together: migrations and demo seeding take turns under a database lock.
  const first = startNode(NODE_PORTS[0]!, true);
  const second = startNode(NODE_PORTS[1]!, false);
  const balancer = startBalancer();
  console.log(`\n  cluster: balancer http://localhost:${PORT} → nodes :${NODE_PORTS.join(', :')}  (store ${DATABASE_URL}, Redis ${REDIS_URL})\n`);

  const children = [first, second];
  const stop = () => {
    balancer.close();
    for (const child of children) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  balancer.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
