// app: what a person does in the web app, as steps for the scenarios (through the UI only),
// plus api(), a direct HTTP call for setting up state the UI does not offer (admin notices).
export const PASSWORD = 'correct horse battery';

export async function registerViaUi(page, baseUrl, username, displayName) {
  await page.goto(`${baseUrl}/register`);
  await page.locator('#auth-username').fill(username);
  await page.locator('#auth-password').fill(PASSWORD);
  await page.locator('#auth-display-name').fill(displayName);
  await page.locator('form button[type=submit]').click();
  await page.locator('.conversation-list').waitFor();
}

export async function loginViaUi(page, baseUrl, username, password = PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#auth-username').fill(username);
  await page.locator('#auth-password').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator('.conversation-list').waitFor();
}

// Opens the chat with `username` from the "Start a chat" field and waits until it is open: the
// app empties the field once the chat is shown (the composer of the chat open before would
// otherwise take what is typed next).
export async function startChat(page, username) {
  await page.locator('#new-chat').fill(username);
  await page.locator('#new-chat').press('Enter');
  await page.waitForFunction(() => {
    const field = document.querySelector('#new-chat');
    return !field || field.value === '';
  });
  await page.locator('#composer-text').waitFor();
}

export async function sendText(page, text) {
  await page.locator('#composer-text').fill(text);
  await page.locator('#composer-text').press('Enter');
}

// Pretends the page was hidden (or shown again): what a backgrounded tab reports.
export async function setHidden(page, hidden) {
  await page.evaluate((value) => {
    if (value) Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    else delete document.visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

// A member's row in the open group panel, and one of its actions, behind the row's "⋯" menu.
export const memberRow = (page, name) => page.locator('.group-panel .members .person', { hasText: name });

export async function memberAction(page, name, label) {
  const menu = memberRow(page, name).locator('details.member-menu');
  if (!(await menu.evaluate((details) => details.open))) await menu.locator('summary').click();
  return memberRow(page, name).locator('button', { hasText: label });
}

export function bubbles(page, text) {
  return page.locator('.message .text', { hasText: text });
}

export async function api(baseUrl, method, path, { token, body } = {}) {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function tokenOf(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('parley.session')).token);
}
