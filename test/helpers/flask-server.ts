// Starts a fixture Flask app under /usr/bin/python3 on 127.0.0.1 (PORT=0: the server picks a free port and names it,
// so no other process can take it in between), with a fresh SQLite file; waits until it answers, and stops its whole
// process group by PID on teardown, also when a test fails or the run is cut short.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { scratchDir } from './scratch.js';

export interface FlaskServer {
  url: string;
  database: string;
  /** `sqlite3 <database> .dump`: compare before and after a probe. */
  dump(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => killGroup(child)));

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Runs `app.py` with PORT=0 and DATABASE set (plus `env`), resolving once the port it names answers. */
export async function startFlask(app: string, env: Record<string, string> = {}): Promise<FlaskServer> {
  const dir = scratchDir('massassign-probe-');
  const database = join(dir, 'app.sqlite');
  const child = spawn('/usr/bin/python3', [app], { env: { ...process.env, ...env, PORT: '0', DATABASE: database, PYTHONDONTWRITEBYTECODE: '1' }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (running.delete(child)) {
      killGroup(child);
      const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!killed) killGroup(child, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const portOf = () => /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
  for (const deadline = Date.now() + 15_000; !(portOf() && (await answers(`http://127.0.0.1:${portOf()}`))); await sleep(100)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`fixture app ${app} did not start:\n${stderr}`);
    }
  }
  const url = `http://127.0.0.1:${portOf()}`;
  return { url, database, dump: () => execFileSync('sqlite3', [database, '.dump'], { encoding: 'utf8' }), stop };
}
