import { expect, test } from '@playwright/test';
import { E2E_ADMIN, firstCity, signIn, trpcPost } from './helpers';

// Accounts in the browser: the sign-in page in both languages, the user menu, a wrong password,
// and the scenario panel offering Run/Save to planners only. (Every mutation refused to anonymous
// visitors and viewers is checked against the router itself in server/accounts/accounts.test.ts.)

const SHOTS = process.env.E2E_SHOTS; // a directory to keep screenshots in (the note)

test('sign-in page: a wrong password is refused with the reason; the right one signs in and the menu signs out', async ({ browser, baseURL }) => {
  // a viewer made by the administrator, in a context of its own
  const admin = await browser.newContext({ baseURL });
  const adminPage = await admin.newPage();
  await signIn(adminPage, 'administrator', E2E_ADMIN.name);
  const pw = `${E2E_ADMIN.password}-form`;
  const add = await trpcPost(admin.request, 'account.add', { name: 'e2e-form-viewer', role: 'viewer', password: pw });
  expect(add.ok() || /exists already/.test(await add.text())).toBeTruthy();
  await admin.close();

  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto('/');
  await page.getByTestId('signin-link').click();
  await expect(page).toHaveURL(/\/signin\?next=%2F/);
  await page.getByTestId('signin-name').fill('e2e-form-viewer');
  await page.getByTestId('signin-password').fill('not the password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toHaveText('用户名或密码错误');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/signin-zh.png` });
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('signin-submit')).toHaveText('Sign in');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/signin-en.png` });
  await page.getByTestId('signin-password').fill(pw);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('user-name')).toHaveText('e2e-form-viewer');
  const cookie = (await ctx.cookies()).find((c) => c.name === 'twin_session')!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe('Lax');
  expect(await page.evaluate(() => document.cookie)).not.toContain('twin_session');
  await page.getByTestId('user-menu').locator('summary').click();
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/user-menu-en.png` });
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('signin-link')).toBeVisible();
  await ctx.close();
});

test('the scenario panel offers Save and Run to a planner only; a viewer reads', async ({ browser, baseURL, request }) => {
  const city = await firstCity(request);
  for (const role of ['viewer', 'planner'] as const) {
    const ctx = await browser.newContext({ baseURL, viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await signIn(page, role);
    // a scenario to look at (made by the planner through the API: the viewer may not)
    if (role === 'planner') {
      const r = await trpcPost(ctx.request, 'scenario.create', { city, name: 'e2e roles' });
      expect(r.ok()).toBeTruthy();
    } else {
      const r = await trpcPost(ctx.request, 'scenario.create', { city, name: 'refused' });
      expect(r.status()).toBe(403);
    }
    await page.goto(`/twin/${city}`);
    await expect(page.getByTestId('user-name')).toHaveText(`e2e-${role}`);
    await expect(page.getByTestId('scenario-panel')).toBeVisible();
    if (role === 'viewer') {
      await expect(page.getByTestId('planner-only')).toBeVisible();
      await expect(page.getByTestId('run-start')).toHaveCount(0);
      await expect(page.getByTestId('scenario-save')).toHaveCount(0);
      await expect(page.getByTestId('scenario-new')).toHaveCount(0);
    } else {
      await expect(page.getByTestId('run-start')).toBeVisible();
      await expect(page.getByTestId('scenario-save')).toBeVisible();
      await expect(page.getByTestId('planner-only')).toHaveCount(0);
    }
    await ctx.close();
  }
});

test('anonymous visitors read the public twin but change nothing', async ({ request }) => {
  const city = await firstCity(request);
  for (const [path, input] of [['scenario.create', { city, name: 'x' }], ['run.start', { scenarioId: '00000000-0000-4000-8000-000000000000' }], ['account.add', { name: 'x', role: 'viewer', password: 'long enough pw' }]] as const) {
    const r = await trpcPost(request, path, input);
    expect(r.status(), path).toBe(401);
  }
});
