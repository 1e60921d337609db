// Keeps the stack's apps running: a crashed app is started again after a growing pause (1 s, 2 s, 4 s … 30 s; back
// to 1 s once it has stayed up for 60 s), each restart said on the console and in .run/logs/supervisor.log.
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';

export const RESTART_BACKOFF = { firstMs: 1000, maxMs: 30_000, healthyAfterMs: 60_000 };

/** The pause before restart number `n` (1-based) of an app that keeps crashing. */
export function restartDelay(n, backoff = RESTART_BACKOFF) {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, n - 1));
}

/**
 * Supervises one app: `spawnApp()` starts it, `waitReady(app)` resolves once it answers its readiness probe.
 * `log` prints a line to the console. Returns `{ child, stop }`.
 */
export function superviseApp({ app, command, args, env, cwd, logDir, log, waitReady, backoff = RESTART_BACKOFF }) {
  const supervisorLog = join(logDir, 'supervisor.log');
  const note = (level, msg, extra = {}) => {
    log(msg);
    appendFileSync(supervisorLog, `${JSON.stringify({ time: new Date().toISOString(), level, app: app.name, msg, ...extra })}\n`);
  };
  const state = { child: undefined, crashes: 0, stopping: false, timer: undefined, healthy: undefined };

  const start = () => {
    const out = createWriteStream(join(logDir, `${app.name}.log`), { flags: 'a' });
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    state.child = child;
    const startedAt = Date.now();
    clearTimeout(state.healthy);
    state.healthy = setTimeout(() => (state.crashes = 0), backoff.healthyAfterMs);
    child.once('exit', (code, signal) => {
      clearTimeout(state.healthy);
      if (state.stopping) return;
      // Up long enough: this crash starts a new series (the timer may not have fired if the loop was busy).
      if (Date.now() - startedAt >= backoff.healthyAfterMs) state.crashes = 0;
      state.crashes += 1;
      const delayMs = restartDelay(state.crashes, backoff);
      note('warn', `${app.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); restarting in ${delayMs / 1000} s (restart ${state.crashes} in a row)`, { pid: child.pid, code, signal, delayMs, restart: state.crashes });
      state.timer = setTimeout(restart, delayMs);
    });
    return child;
  };

  const restart = () => {
    if (state.stopping) return;
    const child = start();
    waitReady(app).then(
      () => !state.stopping && note('info', `${app.name} restarted (pid ${child.pid}) and ready again`, { pid: child.pid }),
      (error) => !state.stopping && note('error', `${app.name} restarted (pid ${child.pid}) but is not ready: ${error.message}`, { pid: child.pid }),
    );
  };

  start();
  return {
    get child() {
      return state.child;
    },
    /** Stops the app (SIGTERM, then SIGKILL after `graceMs`) and never restarts it; resolves once it has exited. */
    stop(graceMs = 10_000) {
      state.stopping = true;
      clearTimeout(state.timer);
      clearTimeout(state.healthy);
      const child = state.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((done) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
