/**
 * The e2e host: the real `flowbench serve --port 0 --json` in
 * a fresh FLOWBENCH_HOME, and Debian Chromium driven by playwright-core.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.FLOWBENCH_CHROMIUM ?? '/usr/bin/chromium';
export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
export const hasChromium = existsSync(CHROMIUM);
/**
 * Where screenshots go: out/e2e-screenshots (ignored), so running the suite leaves the repo
 * clean; FLOWBENCH_UPDATE_SCREENSHOTS=1 writes the documented ones in docs/screenshots.
 */
export const SHOTS = process.env.FLOWBENCH_UPDATE_SCREENSHOTS === '1'
  ? path.join(REPO, 'docs', 'screenshots')
  : path.join(REPO, 'out', 'e2e-screenshots');

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  home: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Builds the renderer when out/renderer is missing (the served app is the built one). */
export function ensureRendererBuilt(): void {
  if (existsSync(path.join(REPO, 'out', 'renderer', 'index.html'))) return;
  execFileSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: 'inherit' });
}

/** `extraArgs`: more `flowbench serve` options, e.g. ['--data-root', dir, REPO]. */
export async function startServe(extraArgs: string[] = []): Promise<ServeProcess> {
  const home = mkdtempSync(path.join(tmpdir(), 'flowbench-e2e-'));
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'flowbench.js'), 'serve', '--port', '0', '--json', ...extraArgs], {
    cwd: REPO,
    env: { ...process.env, FLOWBENCH_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL:\n${stderr}`)));
    setTimeout(() => reject(new Error(`serve printed no URL within 60 s:\n${stderr}`)), 60_000);
  });
  const info = JSON.parse(first) as { url: string; port: number; token: string };
  return {
    ...info,
    home,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Chromium with a fresh profile, headless, no network chatter. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'flowbench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Pids of the engine processes the serve process started. */
export function childPids(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' })
      .split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}
