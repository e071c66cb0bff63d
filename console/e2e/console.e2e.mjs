// End-to-end walk through the console in headless Chromium, driven by playwright-core.
//   node e2e/console.e2e.mjs <baseUrl> <adminKey> <screenshotDir>
// Run by dev.tokengate.console.ConsoleE2eTest against a gateway it starts; exits non-zero with the failing step.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [baseUrl, adminKey, shotArg] = process.argv.slice(2);
if (!baseUrl || !adminKey || !shotArg) {
  console.error('usage: node e2e/console.e2e.mjs <baseUrl> <adminKey> <screenshotDir>');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const shots = resolve(shotArg);
mkdirSync(shots, { recursive: true });

let step = 'start';
const log = (msg) => console.log(`[console-e2e] ${msg}`);
const begin = (name) => {
  step = name;
  log(`step: ${name}`);
};
const check = (ok, message) => {
  if (!ok) throw new Error(message);
};

const profile = mkdtempSync(join(tmpdir(), 'tokengate-console-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1360, height: 880 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(20_000);
const browserErrors = [];
page.on('pageerror', (e) => browserErrors.push(`page error: ${e.message}`));
page.on('console', (m) => {
  // the browser reports each 4xx answer as a failed resource; the console expects those (401, 403, 404 routes)
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) browserErrors.push(`console error: ${m.text()}`);
});

const shot = async (name) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150); // let charts and fonts settle
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  log(`screenshot ${name}.png`);
};
const nav = async (id) => {
  await page.click(`[data-testid=nav-${id}]`);
  await page.waitForSelector(`[data-testid=view-${id}]`);
};
const login = async (key, expectedView) => {
  await page.goto(`${baseUrl}/console/`);
  await page.fill('[data-testid=login-key]', key);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector(`[data-testid=view-${expectedView}]`);
};
const logout = async () => {
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-key]');
};

try {
  begin('the login page is served at /console');
  await page.goto(`${baseUrl}/console/`);
  await page.waitForSelector('[data-testid=login-key]');
  await shot('login');

  begin('a wrong key is refused');
  await page.fill('[data-testid=login-key]', 'tg-not-a-real-key');
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('.login-error:has-text("not accepted")');

  begin('log in as admin');
  await login(adminKey, 'users');
  check((await page.textContent('[data-testid=role]')).trim() === 'admin', 'the admin key should open the admin view');

  begin('create a user');
  const userName = `e2e-user-${Date.now().toString(36)}`;
  await page.fill('[data-testid=new-user-name]', userName);
  await page.fill('[data-testid=new-user-tier]', 'user_go');
  await page.click('[data-testid=create-user]');
  const detail = await page.waitForSelector('[data-testid=user-detail]');
  const userId = await detail.getAttribute('data-user-id');
  await page.waitForSelector(`[data-testid=user-row][data-user-id="${userId}"]`);
  log(`user ${userName} is ${userId}`);

  begin('create a key for the user');
  await page.fill('[data-testid=new-key-name]', 'e2e key');
  await page.click('[data-testid=create-key]');
  const userKey = (await page.textContent('[data-testid=new-key-secret]')).trim();
  check(userKey.length > 20, `the new key should be shown once, got "${userKey}"`);
  await page.waitForSelector('[data-testid=key-row] >> text=e2e key');

  begin('top up the balance (when the gateway has balances)');
  await page.waitForSelector('[data-testid=topup-amount], [data-testid=not-available]');
  const balances = await page.$('[data-testid=topup-amount]');
  if (balances) {
    await page.fill('[data-testid=topup-amount]', '5.00');
    await page.click('[data-testid=topup]');
    await page.waitForSelector('[data-testid=balance-entry][data-kind=topup][data-amount-micros="5000000"]');
    log(`balance topped up by $5.00 to ${(await page.textContent('[data-testid=stat-balance] strong')).trim()}`);
  } else {
    log('balances: not available on this gateway');
  }
  await shot('users');

  begin('chat from the console');
  await nav('chat');
  await page.fill('[data-testid=chat-input]', 'Hello from the console, how are you?');
  await page.click('[data-testid=chat-send]');
  await page.waitForSelector('[data-testid=chat-assistant] .bubble-meta');
  const answer = (await page.textContent('[data-testid=chat-assistant] .bubble-text')).trim();
  check(!(await page.$('[data-testid=chat-assistant].error')), `the chat answer is an error: ${answer}`);
  check(answer.length > 0 && answer !== '…', 'the assistant answered nothing');
  await shot('chat');

  begin("send a chat request with the new user's key");
  const status = await page.evaluate(async (key) => {
    const r = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi from the e2e test' }] }),
    });
    return r.status;
  }, userKey);
  check(status === 200, `a chat request with the new key answered ${status}`);

  begin('see both requests in the live request log');
  await nav('requests');
  await page.waitForSelector(`[data-testid=request-row][data-route="/v1/chat/completions"][data-user-id="${userId}"][data-status="200"][data-model="gpt-4o"]`);
  await page.waitForSelector('[data-testid=request-row][data-route="/v1/chat/completions"]:not([data-user-id="' + userId + '"])');
  await shot('requests');

  begin('see the request in usage');
  await nav('usage');
  await page.waitForSelector('[data-testid=usage-row], [data-testid=not-available]');
  if (await page.$('[data-testid=not-available]')) {
    log('usage: not available on this gateway');
  } else {
    await page.selectOption('[data-testid=usage-user]', userId);
    await page.waitForSelector('[data-testid=usage-row][data-model="gpt-4o"]');
    await page.selectOption('[data-testid=usage-user]', 'all');
    await page.waitForSelector('[data-testid=usage-row]');
    log('usage shows the request');
  }
  await shot('usage');

  begin('create a message batch and watch it complete');
  await nav('batches');
  await page.click('[data-testid=create-batch]');
  const row = await page.waitForSelector('[data-testid=batch-row]');
  const batchId = await row.getAttribute('data-batch-id');
  const seen = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await page.$(`[data-testid=batch-row][data-batch-id="${batchId}"]`);
    const state = r ? `${await r.getAttribute('data-status')} ${await r.getAttribute('data-done')}/${await r.getAttribute('data-total')}` : 'gone';
    if (seen[seen.length - 1] !== state) seen.push(state);
    if (state === 'completed 3/3') break;
    check(Date.now() < deadline, `batch ${batchId} did not complete; progress seen: ${seen.join(' -> ')}`);
    await page.waitForTimeout(200);
  }
  log(`batch ${batchId} progress: ${seen.join(' -> ')}`);
  await page.click(`[data-testid=batch-row][data-batch-id="${batchId}"] >> text=Results`);
  await page.waitForSelector('.results li');
  check((await page.$$('.results li')).length === 3, 'the batch should show three answers');

  begin('queue a job and watch it complete');
  await page.click('[data-testid=queue-jobs]');
  await page.waitForSelector('[data-testid=job-row][data-status="completed"]');
  await shot('batches');

  begin('deployment health');
  await nav('deployments');
  await page.waitForSelector('[data-testid=stat-health] >> text=ok');
  await page.waitForSelector('[data-testid=deployment-row], [data-testid=not-available]');
  await page.waitForSelector('[data-testid=upstream-row]');
  await shot('deployments');

  begin('the user view with the new key');
  await logout();
  await login(userKey, 'overview');
  check((await page.textContent('[data-testid=role]')).trim() === 'user', 'a user key should open the user view');
  await page.waitForSelector('[data-testid=usage-row], [data-testid=not-available]');
  if (balances) {
    await page.waitForSelector('[data-testid=usage-row][data-model="gpt-4o"]');
    await page.waitForSelector('[data-testid=stat-balance]');
  }
  check(!(await page.$('[data-testid=nav-users]')), 'a user must not see the admin pages');
  await shot('user');

  begin('revoke the key; it stops working');
  await logout();
  await login(adminKey, 'users');
  await page.click(`[data-testid=user-row][data-user-id="${userId}"]`);
  await page.waitForSelector(`[data-testid=user-detail][data-user-id="${userId}"]`);
  await page.click('[data-testid=revoke-key]');
  await page.click('[data-testid=revoke-key] >> text=Confirm revoke');
  await page.waitForSelector('[data-testid=key-row] >> text=revoked');
  const after = await page.evaluate(async (key) => (await fetch('/v1/models', { headers: { Authorization: `Bearer ${key}` } })).status, userKey);
  check(after === 401, `a revoked key answered ${after}`);

  check(browserErrors.length === 0, `the page reported errors:\n${browserErrors.join('\n')}`);
  log('passed');
} catch (e) {
  console.error(`[console-e2e] FAILED at step "${step}": ${e && e.stack ? e.stack : e}`);
  if (browserErrors.length) console.error(browserErrors.join('\n'));
  try {
    await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true });
    console.error(`[console-e2e] screenshot of the failure: ${join(shots, 'failure.png')}`);
  } catch {
    // the browser is gone
  }
  process.exitCode = 1;
} finally {
  await context.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
}
