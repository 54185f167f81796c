// The active liveness challenge over the API, on PostgreSQL and BullMQ: a
// session passes when its frames show one live person making the moves asked
// in order; it fails, each with its own reason, for frames in the wrong order,
// of another person, sent after the expiry, with another session's nonce, or
// already sent in an earlier session; a session is judged once. An open
// session holds the application's verdict; a failed one sends it to review.
//
// Frames: obama-3.jpg faces his left (Human's yaw −0.14); mirrored, his right
// (yaw +0.14): from the first to the second the head turns right (MOVES in
// pipeline/liveness/challenge.ts: turning right raises yaw).
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

/** Each capture a little different (as a camera's frames are), so that only a deliberate replay repeats bytes. */
let takes = 0;
const photo = (file: string, mirrored: boolean) =>
  sharp(`fixtures/assets/faces/${file}`)
    .flop(mirrored)
    .resize(720 + (takes++ % 50))
    .jpeg({ quality: 90 })
    .toBuffer();
/** The frame that ends a step: facing left after «left», right after «right». */
const poseAfter = (step: string, person = 'obama-3.jpg') => photo(person, step === 'right');
const opposite = (step: string) => (step === 'left' ? 'right' : 'left');

function framesForm(nonce: string, frames: Buffer[]): FormData {
  const form = new FormData();
  form.set('nonce', nonce);
  frames.forEach((frame, i) =>
    form.append('frames', new Blob([new Uint8Array(frame)], { type: 'image/jpeg' }), `frame-${i}.jpg`),
  );
  return form;
}

/** Frames that perform the steps: a starting pose, then one pose per step. */
const performing = async (steps: string[], person?: string) => [
  await poseAfter(opposite(steps[0]!), person),
  ...(await Promise.all(steps.map((step) => poseAfter(step, person)))),
];

describeWithServers(['postgres', 'redis'], 'liveness sessions (postgres + bullmq)', () => {
  let t: TestService;
  beforeAll(async () => {
    // Two moves the fixture photos can show; never the same move twice in a row, so they alternate.
    t = await startTestService(
      { db: 'postgres', queue: 'bullmq' },
      { LIVENESS_STEPS: 'left,right', LIVENESS_STEP_COUNT: '2' },
    );
  });
  afterAll(() => t?.stop());

  const open = async (applicationId: string) => {
    const { status, body } = await t.api('POST', `/v1/applications/${applicationId}/liveness-sessions`);
    expect(status).toBe(201);
    return body as {
      id: string;
      steps: string[];
      nonce: string;
      expiresAt: string;
      framesExpected: number;
      framesUrl: string;
      status: string;
    };
  };
  const send = (sessionId: string, nonce: string, frames: Buffer[]) =>
    t.api('POST', `/v1/liveness-sessions/${sessionId}/frames`, { body: framesForm(nonce, frames) });

  it('passes a session that follows its steps, holds the verdict while open, and then approves; the session is judged once', async () => {
    const applicationId = await createApplication(t, goldenProfile('valid-uzb'));
    const session = await open(applicationId);
    expect(session).toMatchObject({
      status: 'open',
      framesExpected: 3,
      framesUrl: `/v1/liveness-sessions/${session.id}/frames`,
    });
    expect(session.steps).toHaveLength(2);
    expect(session.steps[0]).not.toBe(session.steps[1]);
    for (const step of session.steps) expect(['left', 'right']).toContain(step);
    expect(session.nonce.length).toBeGreaterThanOrEqual(16);
    // The nonce is kept only as its hash.
    const stored = await t.service.runtime.db.prisma.livenessSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(stored.nonceHash).toBe(createHash('sha256').update(session.nonce).digest('hex'));

    // Every document is processed, yet no verdict while the session waits for its frames.
    await uploadGoldenSet(t, applicationId, 'valid-uzb');
    await waitFor(
      async () => {
        const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
        return body.documents.every((d: { status: string }) => d.status === 'processed') && body;
      },
      90_000,
      'documents processed',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two sweeps of the test service
    expect((await t.api('GET', `/v1/applications/${applicationId}`)).body.status).toBe('processing');

    const frames = await performing(session.steps);
    const answer = await send(session.id, session.nonce, frames);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: session.id, status: 'passed', reasonCode: null });
    expect(answer.body.moves.map((m: { step: string; ok: boolean }) => [m.step, m.ok])).toEqual(
      session.steps.map((step) => [step, true]),
    );
    expect(answer.body.frames.map((f: { liveness: string }) => f.liveness)).toEqual(['live', 'live', 'live']);
    expect(answer.body).not.toHaveProperty('nonce');

    const application = await waitFor(
      async () => {
        const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
        return body.status !== 'processing' && body;
      },
      30_000,
      'the verdict',
    );
    expect(application.status).toBe('approved');
    expect(application.livenessSessions).toMatchObject([{ id: session.id, status: 'passed' }]);

    // The same session again: refused, nothing changes.
    const again = await send(session.id, session.nonce, frames);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('challenge_replayed');
    expect((await t.api('GET', `/v1/liveness-sessions/${session.id}`)).body.status).toBe('passed');

    // Erasing the applicant keeps the session's status and reason, not its judgement or frame hashes.
    expect((await t.api('DELETE', `/v1/accounts/${application.accountId}`)).status).toBe(200);
    const erased = await t.service.runtime.db.prisma.livenessSession.findUniqueOrThrow({ where: { id: session.id } });
    expect({ status: erased.status, result: erased.result, frameHashes: erased.frameHashes }).toEqual({
      status: 'passed',
      result: null,
      frameHashes: [],
    });
  }, 180_000);

  it('fails frames already sent in another session, another session’s nonce, the wrong order, another person, and an expired session — each with its reason', async () => {
    const applicationId = await createApplication(t, goldenProfile('valid-uzb'));
    const judge = async (
      frames: (steps: string[]) => Promise<Buffer[]>,
      nonceOf?: (session: { nonce: string }) => string,
      before?: (sessionId: string) => Promise<void>,
    ) => {
      const session = await open(applicationId);
      await before?.(session.id);
      const { status, body } = await send(session.id, nonceOf?.(session) ?? session.nonce, await frames(session.steps));
      expect(status).toBe(200);
      return body as { status: string; reasonCode: string; message: string; messageRu: string };
    };

    let first: Buffer[] = [];
    const passed = await judge(async (steps) => (first = await performing(steps)));
    expect(passed.status).toBe('passed');
    // The same bytes again in a new session: a replay, whatever its steps.
    expect(await judge(async () => first)).toMatchObject({ status: 'failed', reasonCode: 'challenge_replayed' });

    const earlier = await open(applicationId);
    expect(
      await judge(
        (steps) => performing(steps),
        () => earlier.nonce,
      ),
    ).toMatchObject({ status: 'failed', reasonCode: 'challenge_nonce_invalid' });

    // The moves made in the other order (two alternating steps: left, right instead of right, left).
    const backwards = await judge((steps) => performing([...steps].reverse()));
    expect(backwards).toMatchObject({ status: 'failed', reasonCode: 'challenge_step_missed' });
    expect(backwards.messageRu).toContain('не выполнено действие');

    // Obama starts, Biden makes the moves.
    const swapped = await judge(async (steps) => [
      await poseAfter(opposite(steps[0]!)),
      ...(await Promise.all(steps.map((step) => poseAfter(step, 'biden-1.jpg')))),
    ]);
    expect(swapped).toMatchObject({ status: 'failed', reasonCode: 'challenge_person_changed' });

    const late = await judge(
      (steps) => performing(steps),
      undefined,
      async (sessionId) =>
        void (await t.service.runtime.db.prisma.livenessSession.update({
          where: { id: sessionId },
          data: { expiresAt: new Date(Date.now() - 1000) },
        })),
    );
    expect(late).toMatchObject({ status: 'failed', reasonCode: 'challenge_expired' });
  }, 240_000);

  it('sends an application whose latest session failed to a reviewer, and refuses a frame that is not an image', async () => {
    const applicationId = await createApplication(t, goldenProfile('valid-uzb'));
    const session = await open(applicationId);
    await uploadGoldenSet(t, applicationId, 'valid-uzb');
    const pdf = await send(session.id, session.nonce, [files.golden('permit-pdf2-tur/residence_permit.pdf')]);
    expect({ status: pdf.status, code: pdf.body.error?.code }).toEqual({ status: 415, code: 'challenge_frame_type' });
    expect((await t.api('GET', `/v1/liveness-sessions/${session.id}`)).body.status).toBe('open');

    const frames = await performing(session.steps);
    const answer = await send(session.id, session.nonce, [frames[0]!, frames[0]!, frames[0]!]); // a still head
    expect(answer.body).toMatchObject({ status: 'failed', reasonCode: 'challenge_step_missed' });
    const application = await waitFor(
      async () => {
        const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
        return body.status !== 'processing' && body;
      },
      120_000,
      'the verdict',
    );
    expect(application.status).toBe('under_review');
    expect(application.reasons.map((r: { code: string }) => r.code)).toContain('challenge_step_missed');
  }, 240_000);
});
