// server: starts a real parleyd on an ephemeral loopback port with a temporary data dir and the
// repository's web/ as --web-root, and resolves once it prints "listening on". stop() kills it
// and removes the data dir; it is safe to call more than once. pause() kills it as a crash would
// and resolves once it is gone, keeping its data; resume() starts it again at the same address
// (a server that was down and is back). Rate limits a person never meets (frames,
// registrations from one address) are raised: the whole run comes from 127.0.0.1.
// `extraArgs` are appended (a later option wins); with `scheme: 'https'` (the args give
// --tls-cert/--tls-key) url is https://.
// freePort() finds a free loopback port, for a server whose --public-url must name its own
// address before it starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function startServer({ binary, webRoot, extraArgs = [], scheme = 'http' }) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-web-test-'));
  let log = '';
  let child = null;

  const running = () => child && child.exitCode === null && child.signalCode === null;
  const kill = () => { if (running()) child.kill('SIGKILL'); };

  // Starts parleyd listening on `listen`; resolves with the address it listens on.
  function launch(listen) {
    child = spawn(binary, [
      '--listen', listen, '--data-dir', dataDir, '--web-root', webRoot,
      '--direct-messages-require-friendship', 'false', '--group-adds-require-friendship', 'false',
      '--argon2-ops', '1', '--argon2-memory-kib', '8',
      '--max-frames-per-second', '100000', '--frame-burst', '100000',
      // Every self-contained scenario registers its own people, all from 127.0.0.1.
      '--registrations-per-address', '1000', ...extraArgs,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = log.length;
    return new Promise((resolve, reject) => {
      const onData = (chunk) => {
        log += chunk;
        const found = /listening on (127\.0\.0\.1:\d+)/.exec(log.slice(started));
        if (found) resolve(found[1]);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`parleyd exited (${code}) before listening:\n${log}`)));
    });
  }

  const stop = () => {
    kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const address = await launch('127.0.0.1:0').catch((error) => { stop(); throw error; });
  return {
    url: `${scheme}://${address}`,
    stop,
    log: () => log,
    async pause() {
      if (!running()) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      kill();
      await gone;
    },
    async resume() {
      await launch(address);
    },
  };
}

export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
