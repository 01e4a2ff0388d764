// A local Redis for the job queue: 127.0.0.1 only, append-only file on, so queued jobs survive a
// restart of the server (the sweep tests restart it mid-sweep).
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { findBinary, launch, waitReady, type Launched, type ServiceHandle } from './process';

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    s.once('connect', () => s.write('PING\r\n'));
    s.on('data', (b) => {
      got += b.toString();
      if (got.includes('\r\n')) {
        s.destroy();
        resolve(got.startsWith('+PONG'));
      }
    });
    s.once('error', () => resolve(false));
  });
}

export async function startRedis(dir: string, port: number, timeoutMs = 30_000): Promise<ServiceHandle> {
  const bin = findBinary('redis-server', ['/usr/bin/redis-server'], 'redis-server');
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'redis.log');
  const launched: Launched = launch(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'yes'], { logFile, cwd: dir });
  await waitReady(`redis-server on 127.0.0.1:${port}`, launched, () => ping(port), timeoutMs);
  return { name: 'redis', pid: launched.pid, port, uri: `redis://127.0.0.1:${port}`, dir, logFile };
}

export { ping as redisPing };
