/**
 * An engine event's fields are declared once (src-main/engine/protocol/events.ts): every
 * declared step and epoch metric crosses the host's protocol check, lands in SQLite
 * (RunRecorder), in the terminal's --json line, and in the dashboard's live store, with no
 * second list anywhere; a field nobody declared is dropped where it crosses and reaches none
 * of them. The last test adds a metric to a copy of the sources — in events.ts and nowhere
 * else — and sees it arrive in all three.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import * as protocol from '../../../src-main/engine/protocol/index.js';
import * as engineLink from '../../../src-main/host/engine-link/engine-process.js';
import * as recorderModule from '../../../src-main/host/runs/run-recorder.js';
import * as terminal from '../../../src-main/host/train/terminal-progress.js';
import * as storeModule from '../../../src-main/store/index.js';
import * as liveModule from '../../../src-renderer/src/stores/live.js';
import * as storeHelpers from '../store/helpers.js';
import * as appSupport from './support.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'flowbench-fields-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules an event passes through, from the real tree or from a copy of it. */
interface Layers {
  protocol: typeof protocol;
  engineLink: typeof engineLink;
  recorder: typeof recorderModule;
  terminal: typeof terminal;
  store: typeof storeModule;
  live: typeof liveModule;
  storeHelpers: typeof storeHelpers;
  appSupport: typeof appSupport;
}
const real: Layers = { protocol, engineLink, recorder: recorderModule, terminal, store: storeModule, live: liveModule, storeHelpers, appSupport };

/** The metric names a tree declares (read at run time: a copy may declare more). */
const namesOf = (l: Layers, scope: 'step' | 'epoch'): string[] => [...l.protocol.METRIC_NAMES[scope]];

/** Every declared metric of a scope with a distinct value, plus one field nobody declared. */
function eventWithAll(l: Layers, scope: 'step' | 'epoch'): Record<string, unknown> {
  const e: Record<string, unknown> = { event: scope, run_id: 'r1', step: 4, time: '2026-12-04T16:00:00.000Z', epoch: 1, total_steps: 8, epochs: 2 };
  namesOf(l, scope).forEach((name, i) => (e[name] = i + 0.25));
  e.undeclared_metric = 99;
  return e;
}

/** Sends a step and an epoch event through the host check to SQLite, the --json terminal and the live store; what each holds. */
function deliver(l: Layers, dbFile: string) {
  const sent = { step: eventWithAll(l, 'step'), epoch: eventWithAll(l, 'epoch') };
  const store = l.store.openStore(dbFile);
  store.runs.create(l.storeHelpers.newRun('r1'));
  const recorder = new l.recorder.RunRecorder(store, 'r1', null);
  let text = '';
  const out = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const view = l.terminal.createProgressView('json', out);
  const t = new l.appSupport.TableTransport();
  t.handlers.getRun = ({ id }) => ({ run: l.appSupport.aRun(id, { status: 'running' }), metrics: [], events: [], checkpoints: [], config: {} });
  l.appSupport.withTransport(t);
  const live = l.live.useLiveStore();
  live.listen();
  live.runId = 'r1'; // watching r1 (open() would also backfill from the history)

  for (const raw of [sent.step, sent.epoch]) {
    const event = (l.engineLink.checkEngineEvent(raw) as { event: Parameters<recorderModule.RunRecorder['record']>[0] }).event;
    recorder.record(event);
    view.onEvent(event);
    t.emit(event as never);
  }
  recorder.flush();
  const sqlite = {
    step: new Map(store.metrics.forRun('r1', { scope: 'step' }).map((r) => [r.name, r.value])),
    epoch: new Map(store.metrics.forRun('r1', { scope: 'epoch' }).map((r) => [r.name, r.value])),
  };
  store.close();
  const [stepLine, epochLine] = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { sent, sqlite, json: { step: stepLine!, epoch: epochLine! }, series: live.series as Record<string, { step: number[]; value: number[] } | undefined> };
}

/** Each declared metric of the tree is in all three places with the value sent; the undeclared field in none. */
function expectEverywhere(l: Layers, got: ReturnType<typeof deliver>): void {
  for (const scope of ['step', 'epoch'] as const) {
    expect([...got.sqlite[scope].keys()].sort(), scope).toEqual(namesOf(l, scope).sort());
    for (const name of namesOf(l, scope)) {
      expect(got.sqlite[scope].get(name), `sqlite ${scope} ${name}`).toBe(got.sent[scope][name]);
      expect(got.json[scope][name], `--json ${scope} ${name}`).toBe(got.sent[scope][name]);
    }
    expect(got.json[scope].undeclared_metric).toBeUndefined();
  }
  // (the epoch event adds its own val_flow_loss point after the step's: compare the step's, the first)
  for (const name of namesOf(l, 'step')) expect([got.series[name]?.step[0], got.series[name]?.value[0]], `dashboard ${name}`).toEqual([4, got.sent.step[name]]);
  expect(got.series.undeclared_metric).toBeUndefined();
}

describe('event fields are declared once', () => {
  it('the host check keeps every declared field and drops the undeclared one', () => {
    for (const raw of [eventWithAll(real, 'step'), eventWithAll(real, 'epoch')]) {
      const checked = engineLink.checkEngineEvent(raw);
      expect(checked && 'event' in checked).toBe(true);
      const ev = (checked as { event: Record<string, unknown> }).event;
      for (const name of namesOf(real, raw.event as 'step' | 'epoch')) expect(ev[name], name).toBe(raw[name]);
      expect(ev.undeclared_metric).toBeUndefined();
    }
    const bad = engineLink.checkEngineEvent({ ...eventWithAll(real, 'step'), flow_loss: 'high' });
    expect(bad && 'problem' in bad && bad.problem.message).toMatch(/engine event "step" does not match the protocol.*flow_loss/);
  });

  it('every declared metric reaches SQLite, the --json line and the dashboard store', () => {
    const got = deliver(real, join(dir, 'real.sqlite'));
    expectEverywhere(real, got);
    expect(got.sqlite.step.has('probe_metric')).toBe(false); // (not declared in the real tree)
  });

  it('a metric added in events.ts alone reaches all three', async () => {
    // A copy of the sources the event passes through, with node_modules beside it.
    const tree = join(dir, 'tree');
    for (const top of ['src-main', 'src-preload', 'src-renderer/src']) cpSync(join(repo, top), join(tree, top), { recursive: true });
    for (const file of ['tests/unit/app/support.ts', 'tests/unit/store/helpers.ts']) cpSync(join(repo, file), join(tree, file));
    symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'), 'dir');
    // The one edit: a new metric in each scope's declaration.
    const events = join(tree, 'src-main/engine/protocol/events.ts');
    const before = readFileSync(events, 'utf8');
    const after = before
      .replace(/(export const STEP_METRICS = \{\n)/, '$1  probe_metric: num(),\n')
      .replace(/(export const EPOCH_METRICS = \{\n)/, '$1  probe_epoch_metric: num(),\n');
    expect(after.match(/probe_(epoch_)?metric: num\(\)/g)).toHaveLength(2);
    writeFileSync(events, after);

    const at = (rel: string) => import(join(tree, rel));
    const copy: Layers = {
      protocol: await at('src-main/engine/protocol/index.ts'),
      engineLink: await at('src-main/host/engine-link/engine-process.ts'),
      recorder: await at('src-main/host/runs/run-recorder.ts'),
      terminal: await at('src-main/host/train/terminal-progress.ts'),
      store: await at('src-main/store/index.ts'),
      live: await at('src-renderer/src/stores/live.ts'),
      storeHelpers: await at('tests/unit/store/helpers.ts'),
      appSupport: await at('tests/unit/app/support.ts'),
    };
    expect(namesOf(copy, 'step')).toEqual(['probe_metric', ...namesOf(real, 'step')]);
    expect(namesOf(copy, 'epoch')).toEqual(['probe_epoch_metric', ...namesOf(real, 'epoch')]);
    const got = deliver(copy, join(dir, 'copy.sqlite'));
    expectEverywhere(copy, got);
    expect(got.sqlite.step.get('probe_metric')).toBe(got.sent.step.probe_metric);
    expect(got.sqlite.epoch.get('probe_epoch_metric')).toBe(got.sent.epoch.probe_epoch_metric);
    expect(got.json.step.probe_metric).toBe(got.sent.step.probe_metric);
    expect(got.series.probe_metric?.value[0]).toBe(got.sent.step.probe_metric);
  });
});
