// For in-process tests: an administrator bootstrapped by the test (never a product default) and
// a session cookie for any account.

export const TEST_ADMIN = { TWIN_BOOTSTRAP_ADMIN: 'test-admin', TWIN_BOOTSTRAP_PASSWORD: `test-${process.pid}-${Date.now()}` };

/** Signs in over HTTP and returns the Cookie header value of the new session. */
export async function sessionCookieFor(base: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/trpc/account.signIn`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${name}: HTTP ${res.status} ${await res.text()}`);
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0]!;
}
