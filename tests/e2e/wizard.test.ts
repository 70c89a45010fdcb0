/**
 * The wizard tells the truth, end to end (Debian Chromium → `flowbench serve` → real engine):
 * it starts from a shipped config (its values are the defaults), times a few real steps of
 * the chosen model for its estimate, offers resample rate, checkpoints and label conditioning,
 * keeps Next disabled with the reason on input the host cannot read, drops a stale preview,
 * and previews any recording with BPFO/BPFI/BSF markers on the envelope spectrum.
 *
 *   npx electron-vite build && npx vitest run --config tests/e2e/vitest.config.ts tests/e2e/wizard.test.ts
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureRendererBuilt, hasChromium, launchBrowser, REPO, startServe, type ServeProcess } from './support/host.js';

const SHOTS = path.join(REPO, 'docs', 'screenshots');
/** The real CWRU recordings beside the repository (README: ../shared/data/cwru). */
const CWRU = path.resolve(REPO, '..', 'shared', 'data', 'cwru');

if (!hasChromium) console.warn(`[e2e] SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium).`);

describe.skipIf(!hasChromium)('the new-run wizard in browser host mode', () => {
  let serve: ServeProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe(existsSync(CWRU) ? ['--data-root', REPO, path.dirname(CWRU)] : []);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.url);
    await page.getByRole('button', { name: 'New run' }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const next = () => page.getByRole('button', { name: 'Next' });
  const blocked = () => page.getByTestId('next-blocked');
  const windowTitle = async () => (await page.locator('[data-chart="preview-window"] .gtitle').textContent()) ?? '';

  it('starts from the default shipped config and previews any demo recording with defect-frequency markers', async () => {
    await expect.poll(() => page.getByLabel('Config template').inputValue()).toBe('flow_pretrain_basic.yaml');
    await page.locator('[data-chart="preview-envelope"] .main-svg').first().waitFor({ timeout: 60_000 });
    const envelope = page.locator('[data-chart="preview-envelope"]');
    // The demo models the drive-end SKF 6205 at 1797 rpm: BPFO = 3.5848 × 29.95 Hz.
    await expect.poll(() => envelope.locator('.annotation-text').allTextContents()).toEqual(['BPFO 107.4 Hz', 'BPFI 162.2 Hz', 'BSF 70.6 Hz', '2×BSF 141.2 Hz']);
    expect(await page.getByTestId('defect-note').innerText()).toContain('SKF 6205-2RS at 1797 rpm');
    const picker = page.getByLabel('Preview recording');
    expect(await picker.locator('option').count()).toBeGreaterThanOrEqual(8); // every class × operating condition
    const first = await windowTitle();
    const outer = (await picker.locator('option').allInnerTexts()).find((t) => t.includes('outer_race') && t.includes('load_1HP'))!;
    await picker.selectOption({ label: outer });
    await expect.poll(windowTitle, { timeout: 30_000 }).not.toBe(first);
    expect(await windowTitle()).toContain('outer_race');
    // load_1HP runs at 1772 rpm: the markers move with the recording's shaft speed.
    await expect.poll(() => page.getByTestId('defect-note').innerText()).toContain('1772 rpm');
    await shot('wizard-dataset-markers');
  });

  it('keeps Next disabled, saying why, until the host has read the folder, and never shows the previous preview', async () => {
    await page.locator('input[type="radio"][value="files"]').check();
    expect(await page.locator('[aria-label="Dataset preview"]').count()).toBe(0); // the demo's preview went with the demo
    expect(await next().isDisabled()).toBe(true);
    expect(await blocked().innerText()).toMatch(/enter the dataset folder/);
    await page.getByLabel('Dataset path').fill('no/such/folder');
    expect(await blocked().innerText()).toMatch(/press Preview/);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => blocked().innerText(), { timeout: 30_000 }).toMatch(/cannot be read: .*no\/such\/folder/);
    expect(await next().isDisabled()).toBe(true);
    await shot('wizard-next-blocked');
    if (existsSync(CWRU)) await previewCwru();
    await page.getByLabel('Resample rate').fill('12000');
    // The demo for the run: this machine times its steps quickly.
    await page.locator('input[type="radio"][value="synthetic"]').check();
    await page.getByLabel('Window length').selectOption('256');
    await expect.poll(() => next().isDisabled()).toBe(false);
  });

  async function previewCwru(): Promise<void> {
    // Real CWRU: the drive-end channel's bearing (SKF 6205) at the rpm the file records.
    await page.getByLabel('Dataset path').fill(CWRU);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('[data-chart="preview-envelope"] .main-svg').first().waitFor({ timeout: 120_000 });
    await expect.poll(() => next().isDisabled()).toBe(false);
    expect(await page.getByTestId('defect-note').innerText()).toMatch(/SKF 6205-2RS at 17\d\d rpm/);
    expect(await page.locator('[data-chart="preview-envelope"] .annotation-text').first().textContent()).toMatch(/^BPFO 10\d\.\d Hz$/);
    const picker = page.getByLabel('Preview recording');
    const inner = (await picker.locator('option').allInnerTexts()).find((t) => t.startsWith('12k_DE/IR007_0'))!;
    await picker.selectOption({ label: inner });
    await expect.poll(windowTitle, { timeout: 60_000 }).toContain('IR007_0');
    await shot('wizard-cwru-preview');
  }

  it('shows the config\'s values (lr 1e-3), refuses a bad learning rate with the reason, offers label conditioning', async () => {
    await next().click();
    await expect.poll(() => page.getByLabel('Learning rate').inputValue()).toBe('0.001');
    await page.getByLabel('Learning rate').fill('0');
    await expect.poll(() => blocked().innerText()).toMatch(/learning rate 0 is out of range/);
    expect(await next().isDisabled()).toBe(true);
    await page.getByLabel('Learning rate').fill('0.001');
    await page.getByLabel('Hidden width').selectOption('64');
    await page.getByLabel('Label conditioning').check();
    await shot('wizard-model');
  });

  it('times real steps of the chosen model for the estimate, and the review YAML carries every choice', async () => {
    await next().click();
    await expect.poll(() => page.getByTestId('timing').innerText(), { timeout: 120_000 }).toMatch(/Measured here: [\d.]+ ms per step \(\d+ steps timed, \w+/);
    const ms = Number((await page.getByTestId('timing').innerText()).match(/([\d.]+) ms per step/)![1]);
    expect(ms).toBeGreaterThan(0);
    // quick = 20 epochs × 50 steps = 1000 steps at the measured cost, plus setup.
    const quick = await page.getByTestId('estimate-quick').innerText();
    expect(quick).toMatch(/^≈ /);
    expect(await page.locator('.scale.chosen').innerText()).toMatch(/1000 steps × [\d.]+ ms\/step \(timed on this machine/);
    expect(await page.getByLabel('Checkpoint every epoch').isChecked()).toBe(true);
    expect(await page.getByLabel('Checkpoint minutes').inputValue()).toBe('5');
    await shot('wizard-estimate');
    await next().click();
    const yaml = page.getByLabel('Run config YAML');
    await expect.poll(() => yaml.innerText()).toContain('hidden_dim: 64');
    const text = await yaml.innerText();
    expect(text).toContain('lr: 0.001');
    expect(text).toMatch(/conditions:\s*\n\s*- domain\s*\n\s*- dataset\s*\n\s*- label/);
    expect(text).toContain('resample_hz: 12000');
    expect(text).toContain('checkpoint_every_epoch: true');
    expect(text).toContain('name: flow_pretrain_basic');
    expect(readFileSync(path.join(REPO, 'configs', 'flow_pretrain_basic.yaml'), 'utf8')).toContain('lr: 1.0e-3');
    expect(pageErrors).toEqual([]);
  });
});
