import { expect, it } from '@jest/globals';
import { useTestApp } from '../../setup/create-test-app.js';
import { http } from '../support/authz.js';
const app = useTestApp({ NODE_ENV: 'production', TRUST_PROXY: '1' });
it('probe', async () => {
  for (const p of ['/docs', '/docs-json', '/docs/', '/docs/swagger-ui.css', '/docsx']) {
    const r = await http(app()).get(p).set('X-Forwarded-Proto', 'https');
    process.stdout.write(`${p} ${r.status} ${JSON.stringify(r.headers)} ${JSON.stringify(r.text)}\n`);
  }
  expect(1).toBe(1);
});
