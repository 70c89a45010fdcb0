/**
 * Evaluation in the app, end to end (Debian Chromium → `flowbench serve` → job manager → real
 * engine processes → real SQLite and report files): on a finished run, Evaluate (scale and
 * sections, progress per section) writes the report the CLI would, the figure appears with the
 * score table beside it flagging every baseline or control that beats the model, and Sample
 * writes generated windows into the run folder and draws them.
 *
 *   npx electron-vite build && npx vitest run --config tests/e2e/vitest.config.ts tests/e2e/evaluate-sample.test.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureRendererBuilt, hasChromium, launchBrowser, REPO, startServe, type ServeProcess } from './support/host.js';

const SHOTS = path.join(REPO, 'docs', 'screenshots');
/** A seconds-long run: 2 epochs × 8 steps of a 64-wide MLP on 256-sample windows of the demo data. */
const TINY = ['task.epochs=2', 'trainer.steps_per_epoch=8', 'data.window_length=256', 'data.stride=128', 'model.hidden_dim=64', 'data.max_windows_per_file=16'];

if (!hasChromium) console.warn(`[e2e] SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium).`);

describe.skipIf(!hasChromium)('Evaluate and Sample in browser host mode', () => {
  let serve: ServeProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let runId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    const cli = (args: string[]) => execFileSync(process.execPath, [path.join(REPO, 'bin', 'flowbench.js'), ...args], {
      cwd: REPO, env: { ...process.env, FLOWBENCH_HOME: serve.home }, encoding: 'utf8', timeout: 300_000,
    });
    const lines = cli(['train', '--scale', 'quick', ...TINY.flatMap((s) => ['--set', s]), '--json']).trim().split('\n').map((l) => JSON.parse(l) as { event: string; run_id: string; status?: string });
    expect(lines.at(-1)).toMatchObject({ event: 'finished', status: 'completed' });
    runId = lines.at(-1)!.run_id;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-run-id="${runId}"] button.link`).click();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const section = () => page.getByRole('region', { name: `Evaluation figure of run ${runId}` });

  it('evaluates the finished run with progress, then shows the figure and a score table flagging what beats the model', async () => {
    const s = section();
    await s.getByTestId('no-evaluation').waitFor();
    await s.getByLabel('Evaluation scale').selectOption('quick');
    await s.getByText(/^Sections/).click();
    for (const name of ['few_shot', 'cross_condition', 'anomaly']) await s.getByLabel(`Section ${name}`).uncheck();
    await s.getByRole('button', { name: 'Evaluate' }).click();
    // Progress: each section is listed as the engine finishes it.
    const progress = s.getByTestId('evaluation-progress');
    await expect.poll(() => progress.innerText(), { timeout: 120_000 }).toContain('readout ✓');
    await expect.poll(() => progress.innerText(), { timeout: 240_000 }).toMatch(/^Evaluated:/);
    for (const done of ['setup ✓', 'linear_probe ✓', 'baselines ✓', 'generation ✓']) expect(await progress.innerText()).toContain(done);

    await s.locator('[data-chart="evaluation"] .main-svg').first().waitFor({ timeout: 30_000 });
    const table = s.getByRole('table', { name: 'Evaluation scores' });
    const probe = table.locator('tr', { hasText: /^linear_probe\.accuracy ↑/ });
    const probeText = await probe.innerText();
    expect(probeText).toContain('baseline random_init');
    expect(probeText).toContain('baseline log_psd');
    // The flags are the report's own numbers compared: read them back from report.json.
    const reportDir = path.join(serve.home, 'runs', runId, 'evaluation');
    expect(existsSync(reportDir)).toBe(true);
    const [stamp] = (await import('node:fs')).readdirSync(reportDir);
    const report = JSON.parse(readFileSync(path.join(reportDir, stamp!, 'report.json'), 'utf8'));
    const model = report.linear_probe.accuracy.value as number;
    const logPsd = report.baselines.log_psd.linear_probe.accuracy.value as number;
    const flagged = (await probe.locator('.vs.flag').allInnerTexts()).map((t) => t.split(' ')[1]);
    expect(flagged.includes('log_psd')).toBe(logPsd > model);
    // Generation scores carry their negative controls and the real-vs-real reference.
    const mmd = await table.locator('tr', { hasText: /^generation\.mmd2_windows/ }).innerText();
    for (const c of ['control white_noise', 'control phase_random', 'reference real_vs_real']) expect(mmd).toContain(c);
    const rows = await table.locator('tbody tr.beaten').count();
    const summary = await s.getByTestId('beaten-summary').innerText();
    expect(summary).toMatch(rows ? /⚑ A (baseline|negative control)/ : /No baseline or control beats the model/);
    if (logPsd > model) expect(summary).toContain('A baseline beats the model on linear_probe.accuracy (log_psd');
    await s.screenshot({ path: path.join(SHOTS, 'evaluation-scores.png') });
  });

  it('samples windows from the run\'s checkpoint into the run folder and draws them one per panel', async () => {
    const s = section();
    await s.getByLabel('Sample count').fill('4');
    await s.getByRole('button', { name: 'Sample' }).click();
    const result = s.getByTestId('sample-result');
    await expect.poll(async () => ((await result.count()) ? result.innerText() : ''), { timeout: 120_000 }).toMatch(/^wrote 4 windows × 256 samples to /);
    const file = (await result.locator('code').innerText()).trim();
    expect(path.dirname(file)).toBe(path.join(serve.home, 'runs', runId, 'samples'));
    const csv = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('window,'));
    expect(csv).toHaveLength(4);
    const chart = s.locator('[data-chart="samples"]');
    await chart.locator('.main-svg').first().waitFor();
    expect(await chart.locator('.plot g.subplot').count()).toBe(4);
    await s.screenshot({ path: path.join(SHOTS, 'evaluation-sample.png') });
    expect(pageErrors).toEqual([]);
  });
});
