import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn, trpcPost, type E2eRole } from './helpers';

// A case through the whole loop by five signed-in roles in their own browsers: the inspector
// reports with a photo on a phone-sized page, the intake clerk files, the dispatcher dispatches,
// the department handles with an after-photo and reports back, the inspector checks, the shift
// lead closes and evaluates. A role is refused a step that is not its own (UI and API).

const SHOTS = process.env.E2E_SHOTS;

async function as(browser: Browser, baseURL: string | undefined, role: E2eRole, phone = false): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 800 }, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const page = await ctx.newPage();
  await signIn(page, role);
  return page;
}

async function stepOnDesk(page: Page, caseId: string, action: string, before?: (p: Page) => Promise<void>) {
  await page.goto(`/cases?case=${caseId}`);
  const view = page.getByTestId('case-view');
  await expect(view).toBeVisible();
  const state = await view.getAttribute('data-state');
  if (before) await before(page);
  await page.getByTestId(`case-step-${action}`).click();
  await expect(view).not.toHaveAttribute('data-state', state!);
}

test('a case goes through the loop with five roles; each is refused a step that is not its own', async ({ browser, baseURL }) => {
  // the inspector's phone: a photo from the "camera" (a real PNG), class, description, place
  const inspector = await as(browser, baseURL, 'inspector', true);
  await inspector.goto('/m/report');
  await expect(inspector.getByTestId('report-form')).toBeVisible();
  await inspector.getByTestId('report-class').selectOption('06010');
  await inspector.getByTestId('report-description').fill('人行道上暴露垃圾，约两袋');
  const png = await inspector.screenshot({ clip: { x: 0, y: 0, width: 160, height: 120 } });
  await inspector.getByTestId('report-photo').setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: png });
  if (SHOTS) await inspector.screenshot({ path: `${SHOTS}/report-phone-zh.png`, fullPage: true });
  await inspector.getByTestId('report-submit').click();
  const done = inspector.getByTestId('report-done');
  await expect(done).toContainText(/E06010\d{8}\d{4}/);
  const caseId = (await done.getByRole('link').getAttribute('href'))!.split('case=')[1]!;

  // the dispatcher may not verify: no button in the UI, and the API refuses it with the reason
  const dispatcher = await as(browser, baseURL, 'dispatcher');
  await dispatcher.goto(`/cases?case=${caseId}`);
  await expect(dispatcher.getByTestId('case-no-actions')).toBeVisible();
  const refused = await trpcPost(dispatcher.context().request, 'case.step', { id: caseId, version: 1, action: 'verify' });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain('is for inspector or intake, not dispatcher');

  await stepOnDesk(inspector, caseId, 'verify');
  const intake = await as(browser, baseURL, 'intake');
  await stepOnDesk(intake, caseId, 'file');
  await stepOnDesk(dispatcher, caseId, 'dispatch', async (p) => { await p.getByTestId('case-department').fill('e2e 市政养护'); });
  // the desk's list: the case with its countdown (green: the handling limit has just started)
  await dispatcher.getByTestId('queue-all').click();
  const item = dispatcher.getByTestId('case-item').filter({ hasText: /E06010/ }).first();
  await expect(item.getByTestId('case-limit')).toHaveAttribute('data-colour', 'green');
  if (SHOTS) await dispatcher.screenshot({ path: `${SHOTS}/desk-zh.png` });

  const department = await as(browser, baseURL, 'department');
  await stepOnDesk(department, caseId, 'handle');
  await department.getByTestId('case-photo-after').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png });
  await expect(department.getByTestId('case-photo')).toHaveCount(2);
  await department.getByTestId('case-step-reportBack').click();
  await expect(department.getByTestId('case-view')).toHaveAttribute('data-state', 'reportedBack');

  // the shift lead may not check on site
  const lead = await as(browser, baseURL, 'shift_lead');
  await lead.goto(`/cases?case=${caseId}`);
  await expect(lead.getByTestId('case-view')).toHaveAttribute('data-state', 'reportedBack');
  await expect(lead.getByTestId('case-no-actions')).toBeVisible();

  await stepOnDesk(inspector, caseId, 'checkPass');
  await stepOnDesk(lead, caseId, 'close');
  await stepOnDesk(lead, caseId, 'evaluate');
  await expect(lead.getByTestId('case-state')).toHaveText('已评价');
  await expect(lead.getByTestId('case-timeline').locator('li')).toHaveCount(9);
  await expect(lead.getByTestId('case-photo')).toHaveCount(2);
  // the photos are real images served to the lead
  const photo = lead.getByTestId('case-photo').first().locator('img');
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
  if (SHOTS) {
    await lead.screenshot({ path: `${SHOTS}/desk-closed-zh.png` });
    await lead.getByTestId('lang-switch').click();
    await lead.screenshot({ path: `${SHOTS}/desk-closed-en.png` });
  }
  for (const p of [inspector, dispatcher, intake, department, lead]) await p.context().close();
});

test('cases are not shown to anonymous visitors or viewers', async ({ browser, baseURL, request }) => {
  expect((await request.get(`/api/trpc/case.list?input=${encodeURIComponent(JSON.stringify({ city: 'huzhou' }))}`)).status()).toBe(401);
  const viewer = await as(browser, baseURL, 'viewer');
  expect((await viewer.context().request.get(`/api/trpc/case.list?input=${encodeURIComponent(JSON.stringify({ city: 'huzhou' }))}`)).status()).toBe(403);
  await viewer.context().close();
});
