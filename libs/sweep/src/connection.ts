// The Redis connection of queues and workers, from REDIS_URL. Workers need maxRetriesPerRequest: null
// (BullMQ's blocking commands must wait out a Redis restart rather than fail); ioredis then reconnects
// with backoff on its own, which is how a sweep survives Redis going away for a while.
import IORedis, { type RedisOptions } from 'ioredis';

export function redisUrl(url?: string): string {
  const u = url ?? process.env.REDIS_URL;
  if (!u) throw new Error('REDIS_URL is not set: `kdlab cluster up` prints one for this machine, or point it at your Redis (redis://host:port)');
  if (!/^rediss?:\/\//.test(u)) throw new Error(`REDIS_URL=${JSON.stringify(u)}: expected redis://host:port or rediss://...`);
  return u;
}

export function connect(url?: string, extra: RedisOptions = {}): IORedis {
  return new IORedis(redisUrl(url), {
    maxRetriesPerRequest: null,
    // Reconnect every 0.2 s at first, then at most every 5 s, for as long as it takes.
    retryStrategy: (times) => Math.min(200 * times, 5000),
    ...extra,
  });
}
