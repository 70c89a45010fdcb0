/**
 * Electron main: the desktop app's composition root. Opens the run history, serves the
 * contract over IPC, and shows one locked-down window (isolated, sandboxed, no Node, no
 * navigation away from the app, no popups, strict CSP, no permissions). The page is served
 * from the app:// scheme, not file://, so it has an origin of its own and cannot read
 * other local files; fuses are set at packaging time (electron-builder.yml).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, app, ipcMain, net, protocol, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { API_METHODS, RUN_EVENT_CHANNEL, channelOf } from '../src-preload/contract.js';
import { createApiHandlers, toRunEvent } from './host/app/api-handlers.js';
import { contentSecurityPolicy } from './host/app/content-security-policy.js';
import { createUtilityLauncher } from './electron/utility-launcher.js';
import { createJobManager, type JobManager } from './host/app/job-manager.js';
import { defaultDbPath, defaultHome, defaultRunsDir } from './host/paths.js';
import type { EngineEvent } from './engine/protocol/index.js';
import { openStore, type Store } from './store/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Set by `electron-vite dev` to the renderer dev server; unset in a packaged build. */
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererDir = path.resolve(here, '../renderer');
/** The app's own scheme and host: app://flowbench/index.html is out/renderer/index.html. */
const APP_SCHEME = 'app';
const APP_HOST = 'flowbench';
const appIndexUrl = `${APP_SCHEME}://${APP_HOST}/index.html`;

// Before `ready`: a standard, secure scheme gets an origin, relative URLs and fetch.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** Serves app://flowbench/<path> from out/renderer only; anything else is 404. */
function serveAppScheme(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    } catch {
      return new Response('bad request', { status: 400 });
    }
    const file = path.resolve(rendererDir, rel);
    if (url.host !== APP_HOST || !file.startsWith(rendererDir + path.sep)) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

const CSP = contentSecurityPolicy();

/** True for the app's own page (dev server origin, or the bundled index.html). */
function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (devServerUrl) return u.origin === new URL(devServerUrl).origin;
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Only our own page may call the API (Electron security checklist: validate the sender). */
function checkSender(e: IpcMainInvokeEvent): void {
  const url = e.senderFrame?.url ?? '';
  if (!isAppUrl(url)) throw new Error(`refused an API call from ${url || 'an unknown frame'}`);
}

function wireIpc(store: Store, jobs: JobManager): void {
  // Packaged: the shipped configs sit in resources/ (electron-builder extraResources); in development, in the repo.
  const configsDir = app.isPackaged ? path.join(process.resourcesPath, 'configs') : undefined;
  const handlers = createApiHandlers(store, { jobs, cwd: app.getPath('home'), configsDir });
  for (const method of API_METHODS) {
    ipcMain.handle(channelOf(method), (e, req: unknown) => {
      checkSender(e);
      return handlers[method](req);
    });
  }
}

/** Blocks navigation, popups and webviews for every web contents the app creates. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Flowbench',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadURL(appIndexUrl);
  return win;
}

/** Sends an engine event of a running job to every window. */
export function forwardRunEvent(event: EngineEvent): void {
  const payload = toRunEvent(event);
  for (const win of BrowserWindow.getAllWindows()) win.webContents.send(RUN_EVENT_CHANNEL, payload);
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // Nothing in the app needs camera, notifications or any other permission: refuse requests and checks.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveAppScheme();
  app.on('web-contents-created', (_e, contents) => lockDown(contents));

  const home = defaultHome();
  const store = openStore(defaultDbPath(home));
  // The engine runs in a utilityProcess from the bundled entry beside this file.
  const launcher = createUtilityLauncher(path.join(here, 'engine.js'));
  const jobs = createJobManager({ store, workdir: defaultRunsDir(home), cwd: app.getPath('home'), launcher });
  jobs.onEvent(forwardRunEvent);
  let quitting = false;
  app.on('before-quit', (e) => {
    // Let running engines write their final checkpoint before the database closes.
    if (quitting || jobs.active().length === 0) return;
    e.preventDefault();
    quitting = true;
    void jobs.close().finally(() => app.quit());
  });
  app.on('will-quit', () => store.close());
  wireIpc(store, jobs);

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

main().catch((err: unknown) => {
  console.error('Flowbench failed to start:', err);
  app.exit(1);
});
