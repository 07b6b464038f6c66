import { expect } from 'chai';
import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { main } from '../src/cli.js';
import type { CommandIo } from '../src/cli/args.js';
import { encode } from './fixtures/metrics-data.js';
import { writeLogs } from './fixtures/write-logs.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';

describe('perflog report', () => {
  let dir: string;
  let out: string;
  let html: string;
  let browser: Browser;
  before(async function () {
    this.timeout(60_000);
    dir = await mkdtemp(join(tmpdir(), 'perflog-report-'));
    await writeLogs(join(dir, 'logs'), 30_000, { gzip: true, extraLines: 'garbage\n' });
    // A hostile operation name and model must come out as text, never as markup.
    await appendFile(join(dir, 'logs', 'llm_metrics.log'), `${encode({ timestamp: Date.UTC(2026, 10, 24, 8, 5) / 1000,
      metric_type: 'timer', operation: HOSTILE, duration: 0.2, success: true, module: 'llm', model: HOSTILE, provider: 'x',
      prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })}\n`);
    let stdout = '';
    const io: CommandIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stdout += t; }, cwd: dir };
    const code = await main(['report', '--dir', 'logs', '--out', 'out/report.html'], io);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.match(/^Wrote out\/report\.html \(30,001 records, 8 operations\)/);
    out = join(dir, 'out', 'report.html');
    html = await readFile(out, 'utf8');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is one self-contained file: no script, no external reference, hostile text escaped', () => {
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.not.match(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).to.not.match(/https?:\/\//);
    expect(html).to.include('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).to.include('prefers-color-scheme:dark');
  });

  it('renders in headless Chromium with no console error and no request but the file itself', async function () {
    this.timeout(60_000);
    const page = await browser.newPage({ viewport: { width: 1240, height: 900 }, colorScheme: 'light' });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    expect(problems).to.deep.equal([]);
    expect(requests).to.deep.equal([pathToFileURL(out).href]);
    // Browser-side code as text: the test's TypeScript has no DOM types.
    const charts = await page.evaluate<{ title: string; width: number; height: number; lines: number; bars: number; points: number }[]>(`[...document.querySelectorAll('figure.chart')].map((figure) => {
      const svg = figure.querySelector('svg');
      const box = svg.getBoundingClientRect();
      const lines = [...svg.querySelectorAll('path.line')].filter((p) => (p.getAttribute('d') ?? '').length > 20).length;
      const bars = [...svg.querySelectorAll('rect')].filter((r) => Number(r.getAttribute('width')) > 0).length;
      const points = svg.querySelectorAll('circle').length;
      return { title: figure.querySelector('figcaption')?.textContent ?? '', width: box.width, height: box.height, lines, bars, points };
    })`);
    // Throughput, error rate, a latency chart per timer operation (5, plus the hostile one), tokens per model and provider.
    expect(charts.length).to.equal(2 + 6 + 2);
    for (const chart of charts) {
      expect(chart.width, chart.title).to.be.greaterThan(100);
      expect(chart.height, chart.title).to.be.greaterThan(50);
      expect(chart.lines + chart.bars + chart.points, chart.title).to.be.greaterThan(0);
    }
    expect(charts.map((c) => c.title)).to.include.members(['Error rate', 'Tokens per model', 'Tokens per provider', 'llm · llm_call']);
    expect(await page.locator('table tbody tr').count()).to.be.at.least(5);
    expect(charts.filter((c) => c.lines > 0).length).to.be.at.least(2 + 5);
    expect(await page.locator('script, img, link, iframe, [src], [href]').count()).to.equal(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-light.png'), fullPage: true });
    await page.close();
  });

  it('reads without JavaScript, in the dark scheme too', async function () {
    this.timeout(60_000);
    const context = await browser.newContext({ javaScriptEnabled: false, colorScheme: 'dark', viewport: { width: 1240, height: 900 } });
    const page = await context.newPage();
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(background).to.equal('rgb(13, 17, 23)');
    expect(await page.locator('svg path.line').count()).to.be.greaterThan(10);
    expect(await page.textContent('h1')).to.equal('perflog report');
    await page.screenshot({ path: join(ARTIFACTS, 'report-dark.png'), fullPage: true });
    await context.close();
  });
});
