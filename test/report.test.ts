import { expect } from 'chai';
import { appendFile, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../src/cli.js';
import type { CommandIo } from '../src/cli/args.js';
import { queryMetrics } from '../src/query/query.js';
import type { QueryRow } from '../src/query/query.js';
import { formatBytes, formatDuration } from '../src/report/format.js';
import { START, writeAgentLogs } from './fixtures/agent-records.js';
import { encode } from './fixtures/metrics-data.js';
import { writeLogs } from './fixtures/write-logs.js';
import { browser, closeBrowser } from './helpers/browser.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const BIDI = 'invoice\u202Etxt.exe';

async function report(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: CommandIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stdout += t; }, cwd };
  return { code: await main(['report', ...args], io), stdout };
}

/** The text of every cell of table `#id`, row by row, as the browser renders it. */
async function tableText(url: string, id: string): Promise<string[][]> {
  const page = await (await browser()).newPage();
  try {
    await page.goto(url);
    return await page.evaluate<string[][]>(`[...document.querySelectorAll('#${id} tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))`);
  } finally {
    await page.close();
  }
}

describe('perflog report', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'perflog-report-')); });
  after(async () => {
    await closeBrowser();
    await rm(dir, { recursive: true, force: true });
  });

  describe('the sections of an agent team', () => {
    let url: string;
    let html: string;
    const rows = async (groupBy: string[], extra: object = {}): Promise<QueryRow[]> =>
      (await queryMetrics({ baseDir: join(dir, 'agent'), patterns: ['logs/*.log'], groupBy, ...extra })).rows;
    before(async () => {
      await writeAgentLogs(join(dir, 'agent', 'logs'));
      // Out-of-range timestamps are bad lines, not a crash; bidi controls are shown as their code.
      await appendFile(join(dir, 'agent', 'logs', 'tool_metrics.log'), ['1e13', '-1e13', '1e300'].map((ts) => `{"timestamp":${ts},"operation":"x","module":"tool"}\n`).join('')
        + `${encode({ timestamp: START, metric_type: 'timer', operation: BIDI, duration: 0.1, success: true, module: 'tool' })}\n`);
      await writeFile(join(dir, 'agent', 'prices.json'), JSON.stringify({ 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 }, 'claude-sonnet': { input: 3, output: 15 } }));
      const { code, stdout } = await report(join(dir, 'agent'), ['--prices', 'prices.json']);
      expect({ code, stdout }).to.deep.equal({ code: 0, stdout: 'Wrote logs/report.html (276 records, 6 operations)\n' });
      html = await readFile(join(dir, 'agent', 'logs', 'report.html'), 'utf8');
      url = pathToFileURL(join(dir, 'agent', 'logs', 'report.html')).href;
    });

    it('shows graph nodes and tools: count, error rate, p50/p95/p99; the top 10 and an "other" row', async () => {
      const cells = (row: QueryRow, name: string): string[] => [name, String(row.count), `${(100 * row.errors / row.count).toFixed(1)}%`,
        formatDuration(row.duration.p50), formatDuration(row.duration.p95), formatDuration(row.duration.p99)];
      const nodes = await rows(['node'], { operation: 'node_execution' });
      expect(await tableText(url, 'nodes')).to.deep.equal(nodes.map((row) => cells(row, String(row.group['node']))));
      expect(nodes.map((row) => [row.group['node'], row.count, row.errors])).to.deep.equal([['plan', 100, 10], ['retrieve', 50, 5]]);
      const tools = (await rows(['tool'], { operation: 'tool_call' })).slice(0, 10);
      const shown = await tableText(url, 'tools');
      expect(shown.slice(0, 10)).to.deep.equal(tools.map((row) => cells(row, String(row.group['tool']))));
      expect(shown[10]).to.deep.equal(['other (6 groups)', '6', '16.7%', '-', '-', '-']);
    });

    it('shows per model: latency, time to first token, output tokens/s, prompt/completion/cached/reasoning tokens and cost', async () => {
      const models = await rows(['model', 'provider'], { operation: 'llm_call' });
      const [claude, gpt] = models;
      expect(gpt!.timeToFirstToken!.p50).to.be.closeTo(0.5, 0.005);
      expect(gpt!.outputTokensPerSecond).to.be.closeTo(100 / (2 - 0.5), 0.67);
      expect(claude!.timeToFirstToken).to.equal(null);
      const shown = await tableText(url, 'models');
      expect(shown).to.deep.equal([
        ['claude-sonnet', 'anthropic', '10', '10.0%', formatDuration(claude!.duration.p50), formatDuration(claude!.duration.p95), '-', '-', '-', '-',
          '5,000', '2,000', '0', '0', '0.0450'],
        ['gpt-4o', 'openai', '20', '0.0%', '2.00 s', '2.00 s', formatDuration(gpt!.timeToFirstToken!.p50), formatDuration(gpt!.timeToFirstToken!.p95),
          formatDuration(gpt!.timeToFirstToken!.p99), gpt!.outputTokensPerSecond!.toFixed(1), '20,000', '2,000', '8,000', '1,000', '0.0600'],
      ]);
    });

    it('shows checkpoint save/load latency and size distributions, per checkpoint_ns when present', async () => {
      const latency = await rows(['operation', 'checkpoint_ns'], { module: 'checkpoint' });
      const sizes = await rows(['operation', 'checkpoint_ns'], { module: 'checkpoint', measure: 'size' });
      const save = sizes.find((row) => row.group['checkpoint_ns'] === 'task-a')!;
      expect(save.duration).to.include({ min: 1000, max: 20_000 });
      expect(save.duration.p50).to.be.closeTo(10_000, 100);
      const byNs = await tableText(url, 'checkpoints-ns');
      expect(byNs).to.deep.equal(latency.filter((row) => row.group['checkpoint_ns'] !== null).map((row, i) => {
        const size = sizes.filter((s) => s.group['checkpoint_ns'] !== null)[i]!;
        return [String(row.group['operation']), String(row.group['checkpoint_ns']), String(row.count), '0.0%', formatDuration(row.duration.p50),
          formatDuration(row.duration.p95), formatDuration(row.duration.max), formatBytes(Math.round(size.duration.p50!)),
          formatBytes(Math.round(size.duration.p95!)), formatBytes(size.duration.max!)];
      }));
      const perOperation = await tableText(url, 'checkpoints');
      expect(perOperation.map((row) => [row[0], row[1], row[8]])).to.deep.equal([['checkpoint_load', '10', '5.0 KB'], ['checkpoint_save', '30', '29.3 KB']]);
    });

    it('shows errors by type, and perflog\'s own records in a maintenance section only; ids are never a breakdown', async () => {
      expect(await tableText(url, 'errors')).to.deep.equal([
        ['workflow', 'node_execution', 'TimeoutError', '10'], ['workflow', 'node_execution', 'HTTPError: 500', '5'],
        ['llm', 'llm_call', 'RateLimitError: 429', '1'], ['tool', 'tool_call', 'ValueError', '1'],
      ]);
      expect(await tableText(url, 'maintenance')).to.deep.equal([['log_cleanup', '3', '0', '6', formatBytes(3000), '99.2 ms', '150 ms']]);
      expect((await tableText(url, 'slowest')).map((row) => row[0])).to.not.include('log_cleaner');
      expect(html).to.not.include('thread_id');
    });

    it('neutralises bidi controls and counts out-of-range timestamps as bad lines', () => {
      expect(html).to.not.match(/[\u202A-\u202E\u2066-\u2069]/);
      expect(html).to.include('invoice&#60;U+202E&#62;txt.exe');
      expect(html).to.match(/ 3 bad lines/);
    });
  });

  describe('charts', () => {
    it('scales the last, partly filled throughput bucket to its real width, and shows a one-point chart as a value', async () => {
      const logs = join(dir, 'steady', 'logs');
      await mkdir(logs, { recursive: true });
      // 10 records per second for 125 s: 10 s buckets, the last one holds 5 s.
      const lines = Array.from({ length: 1250 }, (_, i) => `${encode({ timestamp: START + i / 10, metric_type: 'timer', operation: 'op', duration: 0.1, success: true, module: 'm' })}\n`);
      await writeFile(join(logs, 'm_metrics.log'), lines.join(''));
      await writeFile(join(dir, 'steady', 'one.log'), `${encode({ timestamp: START, metric_type: 'timer', operation: 'op', duration: 0.25, success: true, module: 'm' })}\n`);
      expect((await report(join(dir, 'steady'), [])).code).to.equal(0);
      expect((await report(join(dir, 'steady'), ['--pattern', 'one.log', '--out', 'one.html'])).code).to.equal(0);
      const page = await (await browser()).newPage();
      await page.goto(pathToFileURL(join(logs, 'report.html')).href);
      const rates = await page.evaluate<string[]>(`[...document.querySelectorAll('figure.chart')].find((f) => f.textContent.startsWith('Throughput'))
        .querySelectorAll('circle title').values().map((t) => t.textContent.replace(/^.*: /, '')).toArray()`);
      expect(rates).to.have.length(13);
      expect(new Set(rates)).to.deep.equal(new Set(['10/s']));
      await page.goto(pathToFileURL(join(dir, 'steady', 'one.html')).href);
      const single = await page.evaluate<string[]>(`[...document.querySelectorAll('figure.single')].map((f) => f.textContent)`);
      expect(single).to.include.members(['Throughput (records per second, 1 s buckets)records/s · 08:00:001.0/s']);
      expect(await page.locator('figure.single svg').count()).to.equal(0);
      await page.close();
    });
  });

  describe('the file', () => {
    let out: string;
    let html: string;
    before(async function () {
      this.timeout(60_000);
      await writeLogs(join(dir, 'big', 'logs'), 30_000, { gzip: true, extraLines: 'garbage\n' });
      // A hostile operation name and model must come out as text, never as markup.
      await appendFile(join(dir, 'big', 'logs', 'llm_metrics.log'), `${encode({ timestamp: Date.UTC(2026, 10, 24, 8, 5) / 1000,
        metric_type: 'timer', operation: HOSTILE, duration: 0.2, success: true, module: 'llm', model: HOSTILE, provider: 'x',
        prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })}\n`);
      const { code, stdout } = await report(join(dir, 'big'), ['--dir', 'logs', '--out', 'out/report.html']);
      expect(code, stdout).to.equal(0);
      expect(stdout).to.match(/^Wrote out\/report\.html \(30,001 records, 8 operations\)/);
      out = join(dir, 'big', 'out', 'report.html');
      html = await readFile(out, 'utf8');
      await mkdir(ARTIFACTS, { recursive: true });
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
      const page = await (await browser()).newPage({ viewport: { width: 1240, height: 900 }, colorScheme: 'light' });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
      expect(problems).to.deep.equal([]);
      expect(requests).to.deep.equal([pathToFileURL(out).href]);
      const charts = await page.evaluate<{ title: string; width: number; height: number; marks: number }[]>(`[...document.querySelectorAll('figure.chart svg')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = svg.querySelectorAll('path.line, circle, rect').length;
        return { title: svg.closest('figure').querySelector('figcaption').textContent, width: box.width, height: box.height, marks };
      })`);
      for (const chart of charts) {
        expect(chart.width, chart.title).to.be.greaterThan(100);
        expect(chart.height, chart.title).to.be.greaterThan(50);
        expect(chart.marks, chart.title).to.be.greaterThan(0);
      }
      expect(charts.map((c) => c.title)).to.include.members(['Error rate', 'Tokens per model', 'Tokens per provider', 'llm · llm_call']);
      expect(await page.locator('#nodes tbody tr').count()).to.equal(4);
      expect(await page.locator('#tools tbody tr').count()).to.equal(4);
      expect(await page.locator('script, img, link, iframe, [src], [href]').count()).to.equal(0);
      await page.screenshot({ path: join(ARTIFACTS, 'report-light.png'), fullPage: true });
      await page.close();
    });

    it('reads without JavaScript, in the dark scheme too', async function () {
      this.timeout(60_000);
      const context = await (await browser()).newContext({ javaScriptEnabled: false, colorScheme: 'dark', viewport: { width: 1240, height: 900 } });
      const page = await context.newPage();
      await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
      const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      expect(background).to.equal('rgb(13, 17, 23)');
      expect(await page.locator('svg path.line').count()).to.be.greaterThan(10);
      expect(await page.textContent('h1')).to.equal('perflog report');
      await page.screenshot({ path: join(ARTIFACTS, 'report-dark.png'), fullPage: true });
      await context.close();
    });

    it('--out onto a symlink replaces the link and never writes into its target', async () => {
      const target = join(dir, 'big', 'victim.txt');
      await writeFile(target, 'keep me');
      await symlink(target, join(dir, 'big', 'link.html'));
      const { code } = await report(join(dir, 'big'), ['--dir', 'logs', '--out', 'link.html']);
      expect(code).to.equal(0);
      expect(await readFile(target, 'utf8')).to.equal('keep me');
      expect((await lstat(join(dir, 'big', 'link.html'))).isSymbolicLink()).to.equal(false);
      expect(await readlink(join(dir, 'big', 'link.html')).catch(() => 'not a link')).to.equal('not a link');
      expect(await readFile(join(dir, 'big', 'link.html'), 'utf8')).to.match(/^<!DOCTYPE html>/);
    });
  });
});
