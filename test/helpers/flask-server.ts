// Starts a fixture Flask app under /usr/bin/python3 on 127.0.0.1 (free port, fresh SQLite file), waits until it
// answers, and stops its whole process group by PID on teardown, also when a test fails or the run is cut short.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Runs `app.py` with PORT and DATABASE set (plus `env`), resolving once any HTTP answer comes back. */
export async function startFlask(app: string, env: Record<string, string> = {}): Promise<FlaskServer> {
  const dir = mkdtempSync(join(tmpdir(), 'massassign-probe-'));
  const database = join(dir, 'app.sqlite');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('/usr/bin/python3', [app], { env: { ...process.env, ...env, PORT: String(port), DATABASE: database, PYTHONDONTWRITEBYTECODE: '1' }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
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
  for (const deadline = Date.now() + 15_000; !(await answers(url)); await sleep(100)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`fixture app ${app} did not start:\n${stderr}`);
    }
  }
  return { url, database, dump: () => execFileSync('sqlite3', [database, '.dump'], { encoding: 'utf8' }), stop };
}
