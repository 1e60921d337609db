// Shared pieces of the benchmark scripts: process start/stop, readiness, peak memory, an HTTP load loop.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const root = resolve(import.meta.dirname, '../..');

export function freePort() {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

export function startApp(name, env) {
  const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'src/main.js')], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

export async function waitOk(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
}

/** Resident memory now and at its peak (VmHWM), in MB, from /proc. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMB: Math.round(kb('VmRSS') / 1024), peakMB: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMB: null, peakMB: null };
  }
}

let clockTicks;
/** CPU time (user + system) a process has used so far, in seconds, from /proc; null once it is gone. */
export function cpuSecondsOf(pid) {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}
/** CPU-seconds per item of each service (null where no item was counted), rounded to the millisecond. */
export function perItem(cpuSeconds, items) {
  return Object.fromEntries(Object.entries(cpuSeconds).map(([name, s]) => [name, items > 0 ? Math.round((s / items) * 1e4) / 1e4 : null]));
}

/**
 * Peak memory and CPU time per app over processes that come and go (an app killed and started again): `pidsOf()`
 * names the running pid of each app, every pid's last reading is kept, so an app's CPU time is the sum over its
 * processes and its peak the highest of theirs. `sample()` takes a reading now (e.g. right before a kill).
 */
export function usageSampler(pidsOf, everyMs = 1000) {
  const byPid = new Map();
  const sample = () => {
    for (const [app, pid] of Object.entries(pidsOf())) {
      const entry = byPid.get(pid) ?? { app, cpu: 0, peakMB: 0 };
      const cpu = cpuSecondsOf(pid);
      if (cpu !== null) entry.cpu = cpu;
      entry.peakMB = Math.max(entry.peakMB, memoryOf(pid).peakMB ?? 0);
      byPid.set(pid, entry);
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    sample,
    stop() {
      sample();
      clearInterval(timer);
    },
    totals() {
      const memoryPeakMB = {};
      const cpuSeconds = {};
      const processes = {};
      for (const { app, cpu, peakMB } of byPid.values()) {
        memoryPeakMB[app] = Math.max(memoryPeakMB[app] ?? 0, peakMB);
        cpuSeconds[app] = Math.round(((cpuSeconds[app] ?? 0) + cpu) * 100) / 100;
        processes[app] = (processes[app] ?? 0) + 1;
      }
      return { memoryPeakMB, cpuSeconds, processes };
    },
  };
}

/** Closed-loop load: `concurrency` keep-alive clients POST for `seconds`; returns throughput and latency. */
export async function load({ url, body, seconds, concurrency, headers = {} }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies = [];
  const statuses = {};
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const one = (payload) =>
    new Promise((done) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            done();
          });
        },
      );
      req.on('error', () => {
        errors++;
        done();
      });
      req.end(payload);
    });
  let i = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await one(typeof body === 'function' ? body(i++) : body);
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 100) / 100;
  return { requests: latencies.length, rps: Math.round(latencies.length / elapsed), p50Ms: pct(0.5), p99Ms: pct(0.99), statuses, errors };
}

/** JSON over HTTP; throws with the status and body on anything but 2xx. */
export async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  // The query is left out of the message: it may carry an account key.
  if (!res.ok) throw new Error(`${method} ${url.replace(/\?.*/, '')} → ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * An HTTP pass-through on `port` to the sandbox on `upstreamPort` that hands every exchange to
 * `record(req, requestBody, status, answerBody, sentAt)` on the bench's clock, then answers as the sandbox did.
 */
export function passThrough(port, upstreamPort, record) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const sentAt = Date.now();
      const up = http.request({ host: '127.0.0.1', port: upstreamPort, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${upstreamPort}` }, agent }, (answer) => {
        const out = [];
        answer.on('data', (c) => out.push(c));
        answer.on('end', () => {
          const outBody = Buffer.concat(out);
          record(req, body.toString('utf8'), answer.statusCode, outBody.toString('utf8'), sentAt);
          const headers = { ...answer.headers, 'content-length': String(outBody.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(outBody);
        });
      });
      up.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error.message));
      });
      up.end(body);
    });
  });
  return new Promise((done) => server.listen(port, '127.0.0.1', () => done(server)));
}

/**
 * The bench's child processes: each one's peak resident memory sampled every second, and all of them killed when
 * the bench exits (with `onExit` for the rest of its clean-up).
 */
export function trackProcesses(onExit = () => undefined) {
  const procs = {};
  // `peaks` and `cpuSeconds` are filled in place at every reading (callers hold the objects), from usageSampler.
  const peaks = {};
  const cpuSeconds = {};
  const usage = usageSampler(() => Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, p.pid])));
  const refresh = () => {
    const totals = usage.totals();
    Object.assign(peaks, totals.memoryPeakMB);
    Object.assign(cpuSeconds, totals.cpuSeconds);
  };
  const timer = setInterval(refresh, 1000);
  // Resident memory of each process once the stack has idled (services up, nothing to do), before the load starts.
  const memoryIdleMB = {};
  process.on('exit', () => {
    Object.values(procs).forEach((p) => p.kill('SIGKILL'));
    onExit();
  });
  return {
    procs,
    peaks,
    cpuSeconds,
    memoryIdleMB,
    /**
     * Waits `seconds` (`--idle-seconds`, default 30) with the services up and idle, then reads each one's resident
     * memory (VmRSS) into `memoryIdleMB`: what a pod holds between peaks (issue 14: every service under 150 MB).
     */
    async measureIdle(seconds = numberArg('idle-seconds', 30)) {
      await new Promise((r) => setTimeout(r, seconds * 1000));
      for (const [name, p] of Object.entries(procs)) memoryIdleMB[name] = memoryOf(p.pid).rssMB;
      return memoryIdleMB;
    },
    /** A last sample, and no more. */
    stopSampling() {
      usage.stop();
      clearInterval(timer);
      refresh();
    },
  };
}

/** `--name value` from the command line, as text (undefined when absent). */
export function argOf(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** `--name value` as a number, or the fallback. */
export function numberArg(name, fallback) {
  return argOf(name) === undefined ? fallback : Number(argOf(name));
}

/** A seeded pseudo-random generator in [0, 1) (mulberry32): a run is reproducible from its seed. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The p-quantile of the finite values, rounded; null when there are none. */
/** An account's key in the hub's `api_budget` tables (libs/budget `ApiBudget.keyOf`: a hash of the credential). */
export function budgetKeyOf(provider, credential) {
  return `${provider}:${createHash('sha256').update(credential).digest('hex').slice(0, 24)}`;
}

export function pct(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? Math.round(v[Math.min(v.length - 1, Math.floor(v.length * p))]) : null;
}

/**
 * Builds, then runs the apps from a private copy of dist/ (another build wipes dist/ and must not pull the files
 * from under a restarted app; the copy stays under the repository so node_modules resolve). `profiled`: that app
 * runs with --cpu-prof (profiles in .run/profiles, written when it exits).
 */
export function privateDist(label, { profiled } = {}) {
  execFileSync('node', ['tools/build.mjs'], { cwd: root, stdio: 'inherit' });
  const run = Date.now().toString(36);
  const distCopy = join(root, '.run', `bench-${label}-dist-${run}`);
  mkdirSync(join(root, '.run'), { recursive: true });
  cpSync(join(root, 'dist'), distCopy, { recursive: true });
  const startApp = (name, env) =>
    spawn(process.execPath, [...(name === profiled ? ['--cpu-prof', `--cpu-prof-dir=${join(root, '.run', 'profiles')}`] : []), join(distCopy, 'apps', name, 'src/main.js')], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  return { run, distCopy, startApp };
}

/**
 * A throw-away PostgreSQL of the bench's own (initdb into a temporary folder, its own port, `maxConnections` slots),
 * when the server binaries are there and the bench runs as root (the cluster is then owned by `postgres`):
 * several services' pools outgrow a shared server's 100 slots. Undefined otherwise, or with `--shared-db`.
 * Stopped and removed when the bench exits.
 */
export async function privatePostgres({ maxConnections = 300 } = {}) {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = versions.length ? join('/usr/lib/postgresql', versions.at(-1), 'bin') : undefined;
  if (argOf('shared-db') !== undefined || !bin || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const asPostgres = (cmd, args, opts) => (opts?.spawn ? spawn : execFileSync)('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'ignore' });
  asPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const server = asPostgres('postgres', ['-D', dir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', `max_connections=${maxConnections}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'track_functions=pl'], { spawn: true });
  process.on('exit', () => {
    server.kill('SIGINT');
    try {
      execFileSync('sleep', ['1']);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* left in the temp dir */
    }
  });
  for (let i = 0; i < 100; i += 1) {
    try {
      const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      await admin.connect();
      await admin.query('CREATE DATABASE bench');
      await admin.end();
      return { url: `postgres://postgres@127.0.0.1:${port}/bench`, source: `private PostgreSQL on ${port}`, maxConnections };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('the private PostgreSQL did not start');
}
