/**
 * End to end, nothing mocked: Debian Chromium (playwright-core) → the built renderer
 * served by `flowbench serve` → WebSocket contract → job manager → real engine process
 * → real SQLite in a temp FLOWBENCH_HOME. Tiny run settings keep each run to seconds.
 *
 *   npx vitest run --config tests/e2e/vitest.config.ts
 *
 * Skipped, saying so, when /usr/bin/chromium is missing (apt-get install chromium).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../src-preload/contract.js';
import { childPids, CHROMIUM, ensureRendererBuilt, hasChromium, launchBrowser, REPO, SHOTS, startServe, type ServeProcess } from './support/host.js';
import { pdfFonts, pdfWords, readPdf, readPng, svgRoot, svgTickLabels } from './support/figure-files.js';

/** Seconds-long runs: 3 epochs × 8 steps of a 64-wide MLP on 256-sample windows. */
const tiny = (epochs: number) =>
  [`task.epochs=${epochs}`, 'trainer.steps_per_epoch=8', 'trainer.log_every_n_steps=2', 'data.max_windows_per_file=16', 'trainer.preview_every_n_steps=4'].join('\n');
const TINY = tiny(3);
// Long enough (320 steps) that the live charts are seen growing even on an idle machine,
// where a 24-step run can finish before the dashboard first draws.
const LIVE = tiny(40);

/** Exports `chart` from its menu and waits for the saved files; returns [figure, csv], both on disk. */
async function exportFigure(chart: Locator, format: string, preset: string): Promise<[string, string]> {
  await chart.getByLabel('Figure format').selectOption(format);
  await chart.getByLabel('Journal preset').selectOption(preset);
  const saved = chart.getByTestId('export-saved');
  const before = (await saved.count()) ? await saved.innerText() : '';
  // Browser mode: figure and CSV also download in the browser, under the names the host wrote.
  const downloads: Download[] = [];
  const onDownload = (d: Download) => void downloads.push(d);
  chart.page().on('download', onDownload);
  await chart.getByRole('button', { name: 'Export' }).click();
  await expect.poll(async () => ((await saved.count()) ? saved.innerText() : ''), { timeout: 60_000 }).not.toBe(before);
  const [file, csv] = (await saved.innerText()).replace(/^saved /, '').split(' + ');
  expect(existsSync(file!) && existsSync(csv!)).toBe(true);
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
  chart.page().off('download', onDownload);
  for (const written of [file!, csv!]) {
    const d = downloads.find((x) => x.suggestedFilename() === path.basename(written));
    expect(d, `a download named ${path.basename(written)}`).toBeDefined();
    expect(readFileSync((await d!.path())!)).toEqual(readFileSync(written));
  }
  return [file!, csv!];
}

if (!hasChromium) {
  console.warn(`[e2e] SKIPPED: ${CHROMIUM} not found — install Debian's chromium (apt-get install -y chromium) to run the browser tests.`);
}

describe.skipIf(!hasChromium)('Flowbench in browser host mode', () => {
  let serve: ServeProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const runIds: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('refuses a missing token and a foreign origin, and validates requests', async () => {
    const base = `http://127.0.0.1:${serve.port}`;
    const noToken = await fetch(`${base}/`);
    expect(noToken.status).toBe(401);
    expect(await noToken.text()).not.toContain('<script');
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    expect((await fetch(serve.url, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);

    const status = (url: string, origin: string, protocols: string[] = []) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, protocols, { headers: { Origin: origin } });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
      });
    const wsUrl = `ws://127.0.0.1:${serve.port}/api`;
    expect(await status(wsUrl, base)).toBe(401);
    expect(await status(wsUrl, 'http://evil.example', wsProtocols(serve.token))).toBe(403);

    const ws = new WebSocket(wsUrl, wsProtocols(serve.token), { headers: { Origin: base } });
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<Record<string, unknown>>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    ws.send(JSON.stringify({ type: 'call', id: 7, method: 'listRuns', params: { limit: 0 } }));
    const r = await reply;
    ws.close();
    expect(r).toMatchObject({ type: 'reply', id: 7, ok: false });
    expect(JSON.stringify(r.error)).toContain('limit');
  });

  async function runWizard(hiddenWidth: number, contrastive: boolean, overrides = TINY): Promise<string> {
    await page.getByRole('button', { name: 'New run' }).click();
    await page.getByRole('button', { name: '1. Dataset' }).click();
    await page.getByLabel('Window length').selectOption('256');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('[data-chart="preview-envelope"] .main-svg').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('table', { name: 'Classes' }).innerText()).toContain('outer_race');
    if (runIds.length === 0) await shot('wizard-dataset');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Hidden width').selectOption(String(hiddenWidth));
    if (contrastive !== (await page.getByLabel('Contrastive objective').isChecked())) await page.getByLabel('Contrastive objective').click();
    if (runIds.length === 0) await shot('wizard-model');
    await page.getByRole('button', { name: 'Next' }).click();
    if (runIds.length === 0) {
      // The quick preset before any override: 20 epochs of ≤ 50 steps.
      await expect.poll(() => page.locator('.scale.chosen').innerText()).toContain('20 epochs × 50 steps');
      await shot('wizard-scale');
    }
    await page.getByText('Advanced: extra overrides').click();
    await page.getByLabel('Extra overrides').fill(overrides);
    await page.getByRole('button', { name: 'Apply' }).click();
    // The wizard times the model in an engine meanwhile: on a busy machine the host answers in seconds, not at once.
    await expect.poll(() => page.locator('.scale.chosen').innerText(), { timeout: 30_000 }).toContain(`${overrides.match(/task\.epochs=(\d+)/)![1]} epochs × 8 steps`);
    await page.getByRole('button', { name: 'Next' }).click();
    const yaml = page.getByLabel('Run config YAML');
    await expect.poll(() => yaml.innerText()).toContain(`hidden_dim: ${hiddenWidth}`);
    expect(await yaml.innerText()).toContain('window_length: 256');
    if (runIds.length === 0) {
      await shot('wizard-review');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download YAML' }).click()]);
      expect(download.suggestedFilename()).toBe('flowbench-run.yaml');
      expect(readFileSync((await download.path())!, 'utf8')).toContain(`epochs: ${overrides.match(/task\.epochs=(\d+)/)![1]}`);
    }
    await page.getByRole('button', { name: 'Start run' }).click();
    const title = page.getByRole('heading', { name: /^Run / });
    await title.waitFor({ timeout: 30_000 });
    const id = (await title.locator('code').innerText()).trim();
    runIds.push(id);
    return id;
  }

  it('runs the wizard on the demo dataset to a live run whose charts update', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Run history' }).waitFor();
    await runWizard(64, false, LIVE);
    const losses = page.locator('[data-chart="losses"] .plot');
    const points = async () => Number((await losses.getAttribute('data-points')) ?? 0);
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(0);
    const first = await points();
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(first);
    // The generated-vs-real panel fills in from the engine's preview events.
    await page.locator('[data-chart="preview-spectra"] .main-svg').first().waitFor({ timeout: 60_000 });
    await shot('dashboard');
    await expect.poll(() => page.getByTestId('live-status').innerText(), { timeout: 90_000 }).toBe('completed');
    expect(await page.getByLabel('Run timeline').innerText()).toContain('checkpoint');
  });

  it('finds the run in history, compares two runs and exports SVG/PNG/PDF with CSV beside', async () => {
    await runWizard(128, true);
    await expect.poll(() => page.getByTestId('live-status').innerText(), { timeout: 90_000 }).toBe('completed');

    await page.getByRole('button', { name: 'Run history' }).click();
    await page.getByLabel('Search runs').fill(runIds[0]);
    await expect.poll(() => page.locator('tbody tr[data-run-id]').count()).toBe(1);
    await page.locator(`tr[data-run-id="${runIds[0]}"] button.link`).click();
    await page.getByRole('region', { name: `Run ${runIds[0]}` }).locator('.main-svg').first().waitFor();
    await page.getByLabel('Search runs').fill('');
    await expect.poll(() => page.locator('tbody tr[data-run-id]').count()).toBe(2);
    for (const id of runIds) await page.getByLabel(`Compare ${id}`).check();
    await shot('history');

    await page.getByRole('button', { name: 'Compare 2 runs' }).click();
    const diff = page.getByLabel('Config differences');
    await expect.poll(() => diff.innerText()).toContain('model.hidden_dim');
    const diffText = await diff.innerText();
    expect(diffText).toContain('task.use_contrastive');
    expect(diffText).toContain('task.epochs'); // 40 vs 3: differs, so shown
    expect(diffText).not.toContain('trainer.steps_per_epoch'); // equal keys are not shown
    expect(await page.getByLabel('Metric comparison').innerText()).toContain('flow_loss');
    const chart = page.locator('[data-chart="compare-flow_loss"]');
    await chart.locator('.main-svg').first().waitFor();
    await shot('compare');

    const exportAs = async (format: string, preset: string): Promise<[string, string]> => {
      const [file, csv] = await exportFigure(chart, format, preset);
      const header = readFileSync(csv, 'utf8').split('\n')[0];
      expect(header).toBe('series,optimiser step (–),"flow loss (MSE, a.u.)"');
      // Series are named by what differs between the runs (legend), not by run id.
      expect(readFileSync(csv, 'utf8')).toContain('hidden_dim=64');
      return [file, csv];
    };

    const [svg] = await exportAs('svg', 'single');
    // the same export again is a new file beside the first, never over it
    const [svg2] = await exportAs('svg', 'single');
    expect(path.basename(svg2)).toBe(path.basename(svg).replace(/\.svg$/, '-2.svg'));
    const root = svgRoot(svg);
    expect(root).toContain('width="3.5in"');
    expect(root).toContain('viewBox=');
    const svgText = readFileSync(svg, 'utf8');
    expect(svgText).toContain(runIds[0]);
    expect(svgText).toMatch(/font-family:\s*Helvetica/);
    expect(svgText).toContain('optimiser step');

    const [png300] = await exportAs('png300', 'single');
    copyFileSync(png300, path.join(SHOTS, 'figure-export-sample-300dpi.png'));
    const p300 = readPng(png300);
    expect(p300).toMatchObject({ dpiX: 300, dpiY: 300 });
    expect(Math.abs(p300.width - 3.5 * 300)).toBeLessThanOrEqual(2);
    expect(Math.abs(p300.height - 2.6 * 300)).toBeLessThanOrEqual(2);
    expect(p300.text['Flowbench-Run-Ids']).toBe(runIds.join(' '));

    const [png600] = await exportAs('png600', 'double');
    const p600 = readPng(png600);
    expect(p600.dpiX).toBe(600);
    expect(Math.abs(p600.width - 7.16 * 600)).toBeLessThanOrEqual(6);

    const [pdf] = await exportAs('pdf', 'single');
    const info = readPdf(pdf);
    expect(info.mediaBox.map((v) => Math.round(v * 10) / 10)).toEqual([0, 0, 252, 187.2]);
    expect(info.images).toBe(false); // vector, not a raster in a PDF
    expect(info.keywords).toContain(runIds[0]);
    // Print-ready: every font embedded (journal upload checkers refuse base-14 references) …
    const fonts = pdfFonts(pdf);
    expect(fonts.map((f) => f.name).join(' ')).toMatch(/DejaVuSans/);
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
    // … and the tick labels read as in the SVG, real minus signs and exponents included.
    const text = pdfWords(pdf).join('');
    const ticks = svgTickLabels(svg);
    expect(ticks.length).toBeGreaterThan(4);
    for (const label of ticks) expect(text, `tick label ${label} in the PDF's text ${text}`).toContain(label.replace(/\s/g, ''));
    // What a reader prints, to look at (poppler's rasteriser, 200 dpi).
    execFileSync('pdftoppm', ['-png', '-r', '200', '-singlefile', pdf, path.join(SHOTS, 'figure-export-pdf-rendered')]);
    await shot('export');
  });

  it('evaluates a tiny run and shows and exports its three-panel evaluation figure', async () => {
    const id = runIds[1]; // the contrastive run: flow and contrastive losses
    execFileSync(process.execPath, [path.join(REPO, 'bin', 'flowbench.js'), 'evaluate', id, '--scale', 'quick', '--only', 'generation', '--episodes', '20'], {
      cwd: REPO, env: { ...process.env, FLOWBENCH_HOME: serve.home }, stdio: 'pipe', timeout: 180_000,
    });
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    const section = page.getByRole('region', { name: `Evaluation figure of run ${id}` });
    const chart = section.locator('[data-chart="evaluation"]');
    await chart.locator('.main-svg').first().waitFor({ timeout: 30_000 });
    const onScreen = await chart.locator('.plot').innerText();
    for (const t of ['(a)', 'losses', '(b)', 'real vs generated spectra', '(c)', 'latent map']) expect(onScreen).toContain(t);
    // One subplot per panel (plotly names them xy, x2y2, x3y3), 2 losses + ≥ 2 spectra + ≥ 1 class of points.
    for (const sub of ['xy', 'x2y2', 'x3y3']) expect(await chart.locator(`.plot g.subplot.${sub}`).count()).toBe(1);
    expect(await chart.locator('.plot .scatterlayer .trace').count()).toBeGreaterThanOrEqual(5);
    await section.screenshot({ path: path.join(SHOTS, 'evaluation-figure.png') });

    const exportAs = async (format: string, preset: string): Promise<[string, string]> => {
      const [file, csv] = await exportFigure(chart, format, preset);
      const rows = readFileSync(csv, 'utf8').trim().split('\n');
      expect(rows[0]).toBe('panel,series,x_axis,x,y_axis,y');
      const panels = new Set(rows.slice(1).map((r) => r.split(',')[0]));
      expect(panels).toEqual(new Set(['losses', 'real vs generated spectra', 'latent map (encoder PCA)']));
      expect(rows.some((r) => r.startsWith('losses,contrastive loss,'))).toBe(true);
      return [file, csv];
    };

    const [svg] = await exportAs('svg', 'double');
    expect(svgRoot(svg)).toContain('width="7.16in"');
    const svgText = readFileSync(svg, 'utf8');
    expect(svgText).toContain(id);
    for (const t of ['frequency (Hz)', 'PC 1', 'optimiser step']) expect(svgText).toContain(t);
    for (const sub of ['xy', 'x2y2', 'x3y3']) expect(svgText).toContain(`class="subplot ${sub}"`);

    const [png300] = await exportAs('png300', 'single');
    const p300 = readPng(png300);
    expect(p300).toMatchObject({ dpiX: 300, dpiY: 300 });
    expect(Math.abs(p300.width - 3.5 * 300)).toBeLessThanOrEqual(2);
    expect(Math.abs(p300.height - 7 * 300)).toBeLessThanOrEqual(2);
    expect(p300.text['Flowbench-Run-Ids']).toBe(id);

    const [png600] = await exportAs('png600', 'double');
    copyFileSync(png600, path.join(SHOTS, 'evaluation-figure-export-600dpi.png'));
    const p600 = readPng(png600);
    expect(p600.dpiX).toBe(600);
    expect(Math.abs(p600.width - 7.16 * 600)).toBeLessThanOrEqual(6);
    expect(Math.abs(p600.height - 3 * 600)).toBeLessThanOrEqual(6);

    const [pdf] = await exportAs('pdf', 'double');
    const info = readPdf(pdf);
    expect(info.mediaBox.map((v) => Math.round(v * 10) / 10)).toEqual([0, 0, 515.5, 216]);
    expect(pdfFonts(pdf).filter((f) => !f.embedded)).toEqual([]);
    expect(info.images).toBe(false);
    expect(info.keywords).toContain(id);
    expect(pageErrors).toEqual([]);
  });

  it('archives a run (hidden, then shown on request) and deletes it after confirmation', async () => {
    const id = runIds[1];
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    const detail = page.getByRole('region', { name: `Run ${id}` });
    await detail.getByRole('button', { name: 'Archive' }).click();
    await expect.poll(() => page.locator(`tr[data-run-id="${id}"]`).count()).toBe(0);
    await page.getByLabel('show archived').check();
    await expect.poll(() => page.locator(`tr[data-run-id="${id}"]`).innerText()).toContain('(archived)');
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    await detail.getByRole('button', { name: 'Delete…' }).click();
    await expect.poll(() => detail.getByRole('alertdialog').innerText()).toContain(`Delete run ${id}`);
    await shot('history-delete-confirm');
    await detail.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.locator(`tr[data-run-id="${id}"]`).count()).toBe(0);
    await page.getByLabel('show archived').uncheck();
    await expect.poll(() => page.locator(`tr[data-run-id="${runIds[0]}"]`).count()).toBe(1);
  });

  it('survives the engine being killed: the run is marked failed, the app keeps serving, and one click resumes it', async () => {
    await page.goto(serve.url);
    const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api`, wsProtocols(serve.token), { headers: { Origin: `http://127.0.0.1:${serve.port}` } });
    await new Promise((r) => ws.once('open', r));
    const call = (id: number, method: string, params: unknown) =>
      new Promise<{ ok: boolean; result: { id: string } }>((resolve) => {
        const on = (d: WebSocket.RawData) => {
          const m = JSON.parse(String(d));
          if (m.type === 'reply' && m.id === id) {
            ws.off('message', on);
            resolve(m);
          }
        };
        ws.on('message', on);
        ws.send(JSON.stringify({ type: 'call', id, method, params }));
      });
    // Long enough to be killed mid-run; no checkpoint setting: the defaults (a checkpoint
    // every epoch, here every 8 steps) are what it resumes from.
    const sets = ['task.epochs=200', 'trainer.steps_per_epoch=8', 'data.window_length=256', 'model.hidden_dim=64', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=16'];
    const started = await call(1, 'startRun', { scale: 'quick', sets });
    expect(started.ok).toBe(true);
    const id = started.result.id;
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    await page.getByRole('button', { name: 'Open in dashboard' }).click();
    const status = page.getByTestId('live-status');
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('running');
    await expect.poll(() => page.getByLabel('Run timeline').innerText(), { timeout: 60_000 }).toContain('interval checkpoint (stable)');
    const firstCheckpoint = Number(/step (\d+) checkpoint interval checkpoint/.exec(await page.getByLabel('Run timeline').innerText())![1]);
    const pids = childPids(serve.child.pid!);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('failed');
    expect(await page.locator('.dashboard .error').first().innerText()).toMatch(/engine process ended unexpectedly/);
    await shot('dashboard-crash');
    const list = await call(2, 'listRuns', {});
    expect(list.ok).toBe(true);

    // History says which checkpoint resume starts from; one click resumes under the same id.
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    const detail = page.getByRole('region', { name: `Run ${id}` });
    await expect.poll(() => detail.locator('.resume').innerText()).toMatch(/from step \d+ \(interval checkpoint/);
    await shot('history-resume');
    await detail.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('running');
    const step = async () => Number((await page.getByTestId('stat-step').innerText()).split(' ')[0]);
    const from = await step();
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(from);
    // One run: the checkpoints before the crash stay on the timeline, the crash precedes the
    // resume, and the resumed engine's 'started' stands at the step it continued from.
    // (The engine resumes from the newest verified checkpoint, which may be one written on
    // disk just before the kill landed, after the history was read.)
    const timeline = await page.getByLabel('Run timeline').innerText();
    expect(timeline).toContain(`step ${firstCheckpoint} checkpoint interval checkpoint (stable)`);
    expect(timeline.indexOf('engine_crash')).toBeLessThan(timeline.indexOf('recovery: resume'));
    const resumeStep = Number(/recovery: resume resumed from step (\d+)/.exec(timeline)![1]);
    expect(resumeStep).toBeGreaterThanOrEqual(firstCheckpoint);
    expect(timeline).toMatch(new RegExp(`step ${resumeStep} started`));
    await shot('dashboard-resumed');
    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('button', { name: 'Stop run' }).click();
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('stopped');
    const runs = (await call(3, 'listRuns', {})) as unknown as { result: { runs: { id: string; status: string }[] } };
    ws.close();
    expect(runs.result.runs.find((r) => r.id === id)?.status).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });

  it('a run killed before its first checkpoint offers Restart with the same config, which starts it again', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'New run' }).click();
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Next' }).click();
    // Crash safety switched off in the wizard: only a final checkpoint would be written.
    await page.getByLabel('Checkpoint every epoch').uncheck();
    await page.getByLabel('Checkpoint minutes').fill('0');
    await page.getByText('Advanced: extra overrides').click();
    await page.getByLabel('Extra overrides').fill(['task.epochs=200', 'trainer.steps_per_epoch=8', 'data.window_length=256', 'model.hidden_dim=64', 'data.max_windows_per_file=16'].join('\n'));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'a crash loses the whole run' }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('pre').first().innerText()).toMatch(/checkpoint_every_epoch: false/);
    await page.getByRole('button', { name: 'Start run' }).click();
    const status = page.getByTestId('live-status');
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('running');
    const first = (await page.getByRole('heading', { name: /^Run / }).innerText()).split(' ')[1];
    for (const pid of childPids(serve.child.pid!)) process.kill(pid, 'SIGKILL');
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('failed');
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    await shot('dashboard-restart');
    await page.getByRole('button', { name: 'Restart with the same config' }).click();
    await expect.poll(async () => (await page.getByRole('heading', { name: /^Run / }).innerText()).split(' ')[1], { timeout: 30_000 }).not.toBe(first);
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('running');
    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('button', { name: 'Stop run' }).click();
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });

  it('pauses a live run (no steps while paused), continues it, and the preview panel keeps updating', async () => {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'New run' }).click();
    await page.getByRole('button', { name: '1. Dataset' }).click();
    await page.getByLabel('Window length').selectOption('256');
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Advanced: extra overrides').click();
    const long = ['task.epochs=200', 'trainer.steps_per_epoch=8', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=16', 'trainer.preview_every_n_steps=4', 'model.hidden_dim=64'];
    await page.getByLabel('Extra overrides').fill(long.join('\n'));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('.scale.chosen').innerText()).toContain('200 epochs');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('heading', { name: /^Run / }).waitFor({ timeout: 30_000 });

    const panel = page.getByRole('region', { name: 'Generated vs real' });
    const previewStep = async () => Number((await panel.getAttribute('data-preview-step')) || 0);
    await expect.poll(previewStep, { timeout: 60_000 }).toBeGreaterThan(0);
    const firstPreview = await previewStep();
    await expect.poll(previewStep, { timeout: 60_000 }).toBeGreaterThan(firstPreview);

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('live-paused').waitFor({ timeout: 30_000 });
    const step = async () => Number((await page.getByTestId('stat-step').innerText()).split(' ')[0]);
    const atPause = await step();
    const previewAtPause = await previewStep();
    await page.waitForTimeout(1500);
    expect(await step()).toBe(atPause);
    expect(await previewStep()).toBe(previewAtPause);
    expect(await page.getByTestId('live-status').innerText()).toBe('paused');
    await page.locator('[data-chart="preview-windows"] .main-svg').first().waitFor();
    await shot('dashboard-paused');

    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByTestId('live-paused').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(atPause);
    await expect.poll(previewStep, { timeout: 60_000 }).toBeGreaterThan(previewAtPause);
    expect(await page.getByLabel('Run timeline').innerText()).toMatch(/paused[\s\S]*continued/);
    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('button', { name: 'Stop run' }).click();
    await expect.poll(() => page.getByTestId('live-status').innerText(), { timeout: 60_000 }).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });
});
