// Redis unreachable: uploads are still accepted (202, fast), because the row
// and the blob are committed before the queue is asked and the enqueue gives
// up after a second; once a worker can reach Redis, the sweeper enqueues them
// and every one is processed.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { openRuntime, type Runtime } from '../../workers/runtime.ts';
import * as files from '../helpers/files.ts';
import { createApplication, startTestService, uploadForm, waitFor, type TestService } from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describeWithServers(['postgres', 'redis'], 'uploads while Redis is down (PostgreSQL + BullMQ)', () => {
  let port: number;
  let api: TestService;
  let redis: ChildProcess | undefined;
  let worker: Runtime | undefined;

  beforeAll(async () => {
    port = await freePort();
    api = await startTestService(
      { db: 'postgres', queue: 'bullmq' },
      { REDIS_URL: `redis://127.0.0.1:${port}`, RUN_WORKERS: '0' },
    );
  });
  afterAll(async () => {
    await worker?.close();
    await api?.stop();
    redis?.kill('SIGKILL');
  });

  it('answers 20 uploads with 202 within 2 s each, and processes them once Redis is back', async () => {
    const applicationId = await createApplication(api);
    const scan = await files.jpeg(400, 300);
    // One upload first, so the pool threads have loaded their code: the 20 measure the service warm.
    expect(
      (
        await api.api('POST', `/v1/applications/${applicationId}/documents`, {
          body: uploadForm('passport', scan, 'warm-up.jpg', 'image/jpeg'),
        })
      ).status,
    ).toBe(202);
    const documentIds: string[] = [];
    const durations: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const { status, body } = await api.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm('passport', scan, `scan-${i}.jpg`, 'image/jpeg'),
      });
      durations.push(performance.now() - started);
      expect(status).toBe(202);
      documentIds.push(body.documentId);
    }
    console.log(
      `uploads with Redis down: 20 × 202, slowest ${Math.round(Math.max(...durations))} ms, median ${Math.round(durations.sort((a, b) => a - b)[10]!)} ms`,
    );
    expect(Math.max(...durations)).toBeLessThan(2000);
    const { prisma } = api.service.runtime.db;
    expect(await prisma.document.count({ where: { id: { in: documentIds }, status: 'received' } })).toBe(20);

    // Redis comes up; a worker process (here a runtime of its own) connects, its sweeper enqueues what waits.
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(
      async () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => {
            socket.end();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      10_000,
      'redis-server to listen',
    );
    worker = await openRuntime(
      loadConfig({
        ...api.environment.env,
        RUN_WORKERS: '1',
        DATA_DIR: `${api.environment.env.DATA_DIR}/worker`,
        STORAGE_DIR: `${api.environment.env.DATA_DIR}/blobs`,
      }),
    );
    worker.consume();
    await waitFor(
      async () =>
        (await prisma.document.count({
          where: { id: { in: documentIds }, status: { in: ['processed', 'failed'] } },
        })) === 20,
      180_000,
      'all 20 documents processed',
    );
    expect(await prisma.document.count({ where: { id: { in: documentIds }, status: 'processed' } })).toBe(20);
    // A page of noise is searched for an MRZ to the 8-s budget: 20 of them on 2 threads take minutes, not seconds.
  }, 240_000);
});
