/**
 * History and charts end to end (Chromium → `flowbench serve` → real engine → real SQLite):
 * the history fits a 1440 px window with name/model/parameter columns, filters by parameter,
 * sorts losses best first and deletes a run's folder; charts smooth, switch scale and x axis
 * and hide a duplicate series; compare legends name the differing parameter and fold seeds
 * into mean ± std; a stopped run reopened from the history fills its tiles and preview.
 *
 *   npx electron-vite build && npx vitest run --config tests/e2e/vitest.config.ts tests/e2e/history-charts.test.ts
 *
 * Each test starts from a fresh page load, so no chart option or filter carries over.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../src-preload/contract.js';
import { CHROMIUM, ensureRendererBuilt, hasChromium, launchBrowser, SHOTS, startServe, type ServeProcess } from './support/host.js';

const TINY = ['trainer.steps_per_epoch=6', 'trainer.log_every_n_steps=1', 'data.max_windows_per_file=16', 'data.window_length=256', 'model.hidden_dim=64'];

if (!hasChromium) console.warn(`[e2e] SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium).`);

describe.skipIf(!hasChromium)('history and charts in browser host mode', () => {
  let serve: ServeProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let ws: WebSocket;
  let nextId = 1;
  const pageErrors: string[] = [];
  /** seed 1 and seed 2 of one config (lr 1e-3), and lr 1e-4 seed 1. */
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  function call<T>(method: string, params: unknown): Promise<T> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const on = (d: WebSocket.RawData) => {
        const m = JSON.parse(String(d));
        if (m.type !== 'reply' || m.id !== id) return;
        ws.off('message', on);
        if (m.ok) resolve(m.result as T);
        else reject(new Error(JSON.stringify(m.error)));
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ type: 'call', id, method, params }));
    });
  }
  const start = async (sets: string[]) => (await call<{ id: string }>('startRun', { scale: 'quick', sets: [...TINY, ...sets] })).id;
  const statusOf = async (id: string) => (await call<{ run: { status: string } }>('getRun', { id })).run.status;

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api`, wsProtocols(serve.token), { headers: { Origin: `http://127.0.0.1:${serve.port}` } });
    await new Promise((r) => ws.once('open', r));
    ids.a = await start(['task.epochs=3', 'task.lr=1e-3', 'environment.seed=1', 'name=lr-1e-3']);
    ids.b = await start(['task.epochs=3', 'task.lr=1e-3', 'environment.seed=2', 'name=lr-1e-3']);
    ids.c = await start(['task.epochs=3', 'task.lr=1e-4', 'environment.seed=1', 'name=lr-1e-4']);
    // (expect.poll is for tests only; a hook waits by hand.)
    for (const id of Object.values(ids)) {
      const until = Date.now() + 180_000;
      let status = await statusOf(id);
      while (status !== 'completed' && status !== 'failed' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1000));
        status = await statusOf(id);
      }
      if (status !== 'completed') throw new Error(`setup run ${id} ended ${status}`);
    }
  }, 240_000);

  afterAll(async () => {
    ws?.close();
    await browser?.close();
    await serve?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  async function openHistory(): Promise<void> {
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.locator(`tr[data-run-id="${ids.a}"]`).waitFor();
  }
  const rowIds = () => page.locator('tbody tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));

  it('fits 1440 px with name, model and parameter columns; filters by parameter; sorts losses best first', async () => {
    await openHistory();
    const scroll = page.locator('.history .scroll');
    const [scrollW, clientW] = await scroll.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    expect(scrollW, 'the run table needs no horizontal scrolling at 1440 px').toBeLessThanOrEqual(clientW);
    const head = await page.getByRole('table', { name: 'Run history' }).locator('thead').innerText();
    for (const col of ['Name', 'Model', 'lr', 'batch', 'seed', 'Best flow loss']) expect(head).toContain(col);
    const rowA = page.locator(`tr[data-run-id="${ids.a}"]`);
    for (const cell of ['lr-1e-3', 'mlp 64', '0.001']) expect(await rowA.innerText()).toContain(cell);

    await page.getByLabel('Parameter filter').fill('lr > 5e-4');
    await expect.poll(rowIds).toEqual(expect.arrayContaining([ids.a, ids.b]));
    expect(await rowIds()).toHaveLength(2);
    await page.getByLabel('Parameter filter').fill('lr < 5e-4 and seed = 1');
    await expect.poll(rowIds).toEqual([ids.c]);
    await page.getByLabel('Parameter filter').fill('lrate > 1');
    await expect.poll(() => page.getByTestId('filter-error').innerText()).toContain('"lrate" is not a filterable parameter; use one of lr');
    expect(await rowIds()).toHaveLength(3); // a filter that does not parse filters nothing
    await page.getByLabel('Parameter filter').fill('');

    await page.getByRole('button', { name: 'Best flow loss' }).click();
    const th = page.locator('th', { has: page.getByRole('button', { name: /Best flow loss/ }) });
    expect(await th.getAttribute('aria-sort')).toBe('ascending');
    const losses = await page.locator('tbody tr[data-run-id]').evaluateAll((rows) =>
      rows.map((r) => Number(r.querySelectorAll('td')[13]!.textContent)));
    expect(losses.every((v) => Number.isFinite(v))).toBe(true);
    expect(losses).toEqual([...losses].sort((x, y) => x - y));
    await shot('history-1440');
    expect(pageErrors).toEqual([]);
  });

  it('a run’s loss chart smooths, switches to a linear y axis and to wall time', async () => {
    await openHistory();
    await page.locator(`tr[data-run-id="${ids.a}"] button.link`).click();
    const detail = page.getByRole('region', { name: `Run ${ids.a}` });
    const plot = detail.locator('[data-chart="loss"] .plot');
    await plot.locator('.main-svg').first().waitFor();
    expect(await plot.getAttribute('data-y-scale')).toBe('log');
    const firstY = () => plot.evaluate((el) => (el as unknown as { data: { y: number[] }[] }).data[0]!.y.slice(0, 6).join(','));
    const raw = await firstY();
    await detail.getByLabel('Smoothing').fill('0.9');
    await expect.poll(firstY).not.toBe(raw);
    await detail.getByLabel('Y axis scale').selectOption('linear');
    await expect.poll(() => plot.getAttribute('data-y-scale')).toBe('linear');
    await detail.getByLabel('X axis').selectOption('time');
    await expect.poll(() => plot.locator('.xtitle').textContent()).toContain('wall time');
    await shot('history-chart-options');
    await detail.getByRole('button', { name: 'Reset view' }).click();
    await expect.poll(() => plot.locator('.xtitle').textContent()).toContain('optimiser step');
    await expect.poll(firstY).toBe(raw);
    expect(pageErrors).toEqual([]);
  });

  it('compare legends name the differing parameter; seeds fold into mean ± std', async () => {
    await openHistory();
    for (const id of Object.values(ids)) await page.getByLabel(`Compare ${id}`).check();
    await page.getByRole('button', { name: 'Compare 3 runs' }).click();
    const chart = page.locator('[data-chart="compare-flow_loss"] .plot');
    await chart.locator('.main-svg').first().waitFor();
    const legend = (await chart.locator('.legend').textContent())!;
    expect(legend).toContain('seed=1, lr=0.001');
    expect(legend).toContain('seed=2, lr=0.001');
    expect(legend).toContain('seed=1, lr=0.0001');
    for (const id of Object.values(ids)) expect(legend).not.toContain(id);
    await page.getByLabel('Mean ± std over seeds').check();
    const grouped = page.locator('[data-chart="compare-flow_loss-seeds"] .plot');
    await grouped.locator('.main-svg').first().waitFor();
    const traces = (await grouped.getAttribute('data-traces'))!.split('|');
    expect(traces).toEqual(['lr=0.001 (mean of 2 seeds) − std', 'lr=0.001 (mean of 2 seeds) + std', 'lr=0.001 (mean of 2 seeds)', 'lr=0.0001']);
    expect(await grouped.locator('.legend').textContent()).not.toContain('std');
    await shot('compare-seeds');
    expect(pageErrors).toEqual([]);
  });

  // A live run drawn in Chromium on a shared machine: allow for a slow stop.
  it('Stop asks first; the stopped run reopened from the history fills its tiles and preview; windows are small multiples', { timeout: 420_000 }, async () => {
    // Long enough (12 000 steps) to be still running when Stop is pressed, however slow the page.
    const id = await start(['task.epochs=2000', 'trainer.preview_every_n_steps=8', 'trainer.log_every_n_steps=4', 'environment.seed=5']);
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    await page.getByRole('button', { name: 'Open in dashboard' }).click();
    const status = page.getByTestId('live-status');
    await expect.poll(() => status.innerText(), { timeout: 90_000 }).toBe('running');
    const panel = page.getByRole('region', { name: 'Generated vs real' });
    await expect.poll(async () => Number((await panel.getAttribute('data-preview-step')) || 0), { timeout: 60_000 }).toBeGreaterThan(0);
    // Small multiples: one subplot per real/generated pair.
    const windows = page.locator('[data-chart="preview-windows"] .plot');
    await windows.locator('.main-svg').first().waitFor({ timeout: 60_000 });
    expect(await windows.locator('g.subplot.x2y2').count()).toBe(1);
    // Flow only: total_loss equals flow_loss and is drawn once, named on the kept curve.
    await expect.poll(() => page.locator('[data-chart="losses"] .plot').getAttribute('data-traces')).toContain('flow_loss = total_loss');

    await page.getByRole('button', { name: 'Stop…' }).click();
    await expect.poll(() => page.getByRole('alertdialog', { name: 'Confirm stop' }).innerText()).toContain(`Stop run ${id} now?`);
    expect(await status.innerText()).toBe('running'); // nothing stopped yet
    await shot('dashboard-stop-confirm');
    // Still running on the host (the page may trail the engine on a loaded machine).
    expect((await call<{ runs: { id: string }[] }>('activeRuns', {})).runs.map((r) => r.id)).toContain(id);
    await page.getByRole('button', { name: 'Stop run' }).click();
    // The engine stops after its current step and writes a final checkpoint: slow on a loaded machine.
    await expect.poll(() => status.innerText(), { timeout: 150_000 }).toBe('stopped');
    expect(await page.getByTestId('stat-eta').innerText()).toBe('—');

    // Reopen from a fresh page: everything comes from the history, no live event.
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'Run history' }).click();
    await page.locator(`tr[data-run-id="${id}"] button.link`).click();
    await page.getByRole('button', { name: 'Open in dashboard' }).click();
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('stopped');
    const progress = await call<{ step: number; totalSteps: number; epochs: number }>('getRunProgress', { id });
    expect(progress.step).toBeGreaterThan(0);
    expect(progress.totalSteps).toBeGreaterThan(progress.step);
    await expect.poll(() => page.getByTestId('stat-step').innerText(), { timeout: 30_000 }).toBe(`${progress.step} / ${progress.totalSteps}`);
    expect(await page.getByTestId('stat-epoch').innerText()).toMatch(new RegExp(`/ ${progress.epochs}$`));
    await page.locator('[data-chart="preview-windows"] .main-svg').first().waitFor({ timeout: 30_000 });
    expect(Number(await panel.getAttribute('data-preview-step'))).toBeGreaterThan(0);
    await shot('dashboard-reopened');
    expect(pageErrors).toEqual([]);
  });

  it('Delete offers to remove the run folder, and removes it when ticked', async () => {
    await openHistory();
    const folder = path.join(serve.home, 'runs', ids.c);
    expect(existsSync(path.join(folder, 'events.jsonl'))).toBe(true);
    await page.locator(`tr[data-run-id="${ids.c}"] button.link`).click();
    const detail = page.getByRole('region', { name: `Run ${ids.c}` });
    await detail.getByRole('button', { name: 'Delete…' }).click();
    const dialog = detail.getByRole('alertdialog');
    await dialog.getByLabel(/also remove its run folder/).check();
    await shot('history-delete-folder');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.locator(`tr[data-run-id="${ids.c}"]`).count()).toBe(0);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'removed its folder' }).count()).toBe(1);
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(path.join(serve.home, 'runs', ids.a))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
