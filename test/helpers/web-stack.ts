/** What every browser test starts from: the built front end, a test stack whose API listens, and Chromium. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { WEB_DIST } from '../../api/web.js';
import { launchBrowser } from './browser.js';
import { createTestStack, type TestStack, type TestStackOptions } from './stack.js';

export interface WebStack {
  stack: TestStack;
  browser: Browser;
  /** Where the API serves the pages, on a port of its own for the file. */
  baseURL: string;
}

export async function openWebStack(options: TestStackOptions = {}): Promise<WebStack> {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('The front end is not built: run `npm run web:build` (npm test does).');
  const stack = await createTestStack(options);
  const baseURL = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchBrowser();
  return { stack, browser, baseURL };
}
