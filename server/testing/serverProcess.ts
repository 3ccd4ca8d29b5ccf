// The real server as a child process: benchmarks measure its CPU apart from the load (from
// /proc), durability tests kill it with SIGKILL and start it again on the same data.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOCK_TICKS, parseStat } from './procStat.ts';

export interface ServerProcess {
  url: string;
  pid: number;
  dataDir: string;
  child: ChildProcess;
  /** Seconds of CPU (user + system) the server has used so far. */
  cpuSeconds(): number;
  /** Stop it and remove its data. */
  stop(): Promise<void>;
  /** Send a signal and wait for the process to end; the data stays. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));

/** Start `server/index.ts` in a child process; `dataDir` reuses a data directory (a restart). */
export async function startServerProcess(env: Record<string, string> = {}, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-proc-'))): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: 'on', SIMULATOR: 'off', LOG_LEVEL: 'warn', STATIC_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited with ${code ?? signal}: ${out}`)));
  });
  const pid = child.pid!;
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    pid,
    dataDir,
    child,
    cpuSeconds() {
      return (parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))?.ticks ?? NaN) / CLOCK_TICKS;
    },
    async stop() {
      await kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    kill,
  };
}
