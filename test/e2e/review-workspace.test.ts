// The reviewer workspace in headless Chromium: sign in with a reviewer key,
// find a flagged golden case in the queue, open it and see both faces, the
// field table and the rules; claim it (a second reviewer then sees the claim
// and cannot take it), decide with the keyboard, and find the application's
// status and history changed through the API. Screenshots of the queue and the
// case go to test/e2e/screenshots/ (ignored by git).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-keys.ts';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
// CI installs Chromium (.ci/run) and sets REQUIRE_BROWSER=1: there a missing browser fails the run.
const browserMissing = !fs.existsSync(CHROMIUM) && process.env.REQUIRE_BROWSER !== '1';

describe.skipIf(browserMissing)('reviewer workspace (Chromium)', () => {
  let t: TestService;
  let browser: Browser;
  let applicationId: string;
  let secondKey: string;

  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' });
    secondKey = (await createApiKey(t.service.runtime.db.prisma, { role: 'reviewer', name: 'second reviewer' })).key;
    applicationId = await createApplication(t, goldenProfile('translit-probable'));
    await uploadGoldenSet(t, applicationId, 'translit-probable');
    await waitFor(
      async () => (await t.api('GET', `/v1/applications/${applicationId}`)).body.status === 'under_review',
      90_000,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signIn(key: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/review/`);
    await page.getByLabel('Ключ сотрудника').fill(key);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.locator('#queue').waitFor();
    return page;
  }

  const loaded = (page: Page, selector: string) =>
    page.locator(selector).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

  it('signs in for an HttpOnly, SameSite=Strict cookie and refuses a portal key', async () => {
    const page = await signIn(t.keys.reviewer);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'dv_review')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Not readable by the page's scripts.
    expect(await page.evaluate(() => document.cookie)).not.toContain('dv_review');
    await page.context().close();

    const portal = await (await browser.newContext()).newPage();
    await portal.goto(`${t.url}/review/`);
    await portal.getByLabel('Ключ сотрудника').fill(t.keys.portal);
    await portal.getByRole('button', { name: 'Войти' }).click();
    await expect.poll(() => portal.getByRole('alert').textContent()).toBe('Недостаточно прав');
    await portal.context().close();
  });

  it('shows the queue and the case, claims it, and decides with the keyboard', async () => {
    const page = await signIn(t.keys.reviewer);
    const row = page.locator(`#queue tr[data-id="${applicationId}"]`);
    await expect.poll(() => row.textContent()).toContain('name_match_probable');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'queue.png'), fullPage: true });

    await row.click();
    await page.locator('#faces').waitFor();
    await expect.poll(() => loaded(page, '#portrait')).toBe(true);
    await expect.poll(() => loaded(page, '#selfie')).toBe(true);
    // The surname differs between the MRZ (ERGASHOV) and the profile (Эргашев → ERGASHEV): highlighted.
    const surname = page.locator('#comparison tr', { hasText: 'Фамилия' });
    expect(await surname.getAttribute('class')).toBe('differs');
    expect(await surname.textContent()).toContain('ERGASHOV');
    expect(await surname.textContent()).toContain('Эргашев');
    expect(await page.locator('#rules').textContent()).toContain('name_match_probable');
    // The passport's page with its face box, and the document with its MRZ band.
    await expect.poll(() => page.locator('.document[data-kind="passport"] .box.mrz').count()).toBe(1);
    await expect.poll(() => page.locator('.document[data-kind="passport"] .box.face').count()).toBe(1);
    await expect.poll(() => page.locator('#decision').count()).toBe(0);
    expect(await page.locator('#approve').isDisabled()).toBe(true);

    await page.keyboard.press('c');
    await expect.poll(() => page.locator('#lease').textContent()).toMatch(/В работе у вас, осталось 1[45]:\d\d/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'case.png'), fullPage: true });
    // Fits a 1366 px laptop screen: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);

    // A second reviewer sees who holds it and cannot take it.
    const other = await signIn(secondKey);
    await expect
      .poll(() => other.locator(`#queue tr[data-id="${applicationId}"]`).textContent())
      .toContain('test reviewer');
    await other.goto(`${t.url}/review/#/case/${applicationId}`);
    await expect.poll(() => other.locator('#lease').textContent()).toContain('В работе у test reviewer');
    expect(await other.locator('#claim').isDisabled()).toBe(true);
    expect(await other.locator('#approve').isDisabled()).toBe(true);
    await other.context().close();

    // A decision needs the session's CSRF token, not only the cookie.
    const forged = await page.evaluate(
      async (id) =>
        (
          await fetch(`/v1/applications/${id}/review/decision`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ decision: 'approve', comment: 'x' }),
          })
        ).status,
      applicationId,
    );
    expect(forged).toBe(403);

    await page.keyboard.press('a');
    await page.locator('#comment').fill('Фамилия ERGASHOV — узбекское написание той же фамилии, проверено');
    await page.locator('#confirm').click();
    await page.locator('#queue').waitFor();

    const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
    expect(body.status).toBe('approved');
    const last = body.history.at(-1);
    expect(last).toMatchObject({
      from: 'under_review',
      to: 'approved',
      actorType: 'reviewer',
      reason: 'Фамилия ERGASHOV — узбекское написание той же фамилии, проверено',
    });
    expect(await page.locator(`#queue tr[data-id="${applicationId}"]`).count()).toBe(0);

    // Signing out ends the session on the server: the old cookie opens nothing.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'dv_review')!;
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByLabel('Ключ сотрудника').waitFor();
    const replay = await fetch(`${t.url}/v1/reviews`, { headers: { cookie: `dv_review=${cookie.value}` } });
    expect(replay.status).toBe(401);
    await page.context().close();
  }, 120_000);
});
