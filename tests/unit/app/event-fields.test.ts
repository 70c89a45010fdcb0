/**
 * An engine event's fields are declared once (src-main/engine/protocol/events.ts): every
 * declared step and epoch metric — whatever is added there — crosses the host's protocol
 * check, lands in SQLite (RunRecorder), in the terminal's --json line, and in the
 * dashboard's live store, with no second list anywhere; a field nobody declared is dropped
 * where it crosses and reaches none of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../src-main/engine/protocol/index.js';
import { checkEngineEvent } from '../../../src-main/host/engine-process.js';
import { RunRecorder } from '../../../src-main/host/run-recorder.js';
import { createProgressView } from '../../../src-main/host/terminal-progress.js';
import { openStore } from '../../../src-main/store/index.js';
import { useLiveStore } from '../../../src-renderer/src/stores/live.js';
import { newRun } from '../store/helpers.js';
import { aRun, TableTransport, withTransport } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'flowbench-fields-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every declared metric of a scope with a distinct value, plus one field nobody declared. */
function eventWithAll(scope: 'step' | 'epoch'): Record<string, unknown> {
  const e: Record<string, unknown> = { event: scope, run_id: 'r1', step: 4, time: '2026-12-04T16:00:00.000Z', epoch: 1, total_steps: 8, epochs: 2 };
  METRIC_NAMES[scope].forEach((name, i) => (e[name] = i + 0.25));
  e.undeclared_metric = 99;
  return e;
}

describe('event fields are declared once', () => {
  const step = eventWithAll('step');
  const epoch = eventWithAll('epoch');

  it('the host check keeps every declared field and drops the undeclared one', () => {
    for (const raw of [step, epoch]) {
      const checked = checkEngineEvent(raw);
      expect(checked && 'event' in checked).toBe(true);
      const ev = (checked as { event: Record<string, unknown> }).event;
      for (const name of METRIC_NAMES[raw.event as 'step' | 'epoch']) expect(ev[name], name).toBe(raw[name]);
      expect(ev.undeclared_metric).toBeUndefined();
    }
    const bad = checkEngineEvent({ ...step, flow_loss: 'high' });
    expect(bad && 'problem' in bad && bad.problem.message).toMatch(/engine event "step" does not match the protocol.*flow_loss/);
  });

  it('every declared metric reaches SQLite, the --json line and the dashboard store', () => {
    const store = openStore(join(dir, 'flowbench.sqlite'));
    store.runs.create(newRun('r1'));
    const recorder = new RunRecorder(store, 'r1', null);
    let terminal = '';
    const out = new Writable({ write(chunk, _enc, done) { terminal += String(chunk); done(); } });
    const view = createProgressView('json', out);
    const t = new TableTransport();
    t.handlers.getRun = ({ id }) => ({ run: aRun(id, { status: 'running' }), metrics: [], events: [], checkpoints: [], config: {} });
    withTransport(t);
    const live = useLiveStore();
    live.listen();
    live.runId = 'r1'; // watching r1 (open() would also backfill from the history)

    for (const raw of [step, epoch]) {
      const event = (checkEngineEvent(raw) as { event: Parameters<RunRecorder['record']>[0] }).event;
      recorder.record(event);
      view.onEvent(event);
      t.emit(event as never);
    }
    recorder.flush();

    for (const scope of ['step', 'epoch'] as const) {
      const rows = store.metrics.forRun('r1', { scope });
      const stored = new Map(rows.map((r) => [r.name, r.value]));
      expect([...stored.keys()].sort(), scope).toEqual([...METRIC_NAMES[scope]].sort());
      for (const name of METRIC_NAMES[scope]) expect(stored.get(name), `${scope} ${name}`).toBe((scope === 'step' ? step : epoch)[name]);
    }
    const lines = terminal.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const name of METRIC_NAMES.step) expect(lines[0]![name], name).toBe(step[name]);
    for (const name of METRIC_NAMES.epoch) expect(lines[1]![name], name).toBe(epoch[name]);
    expect(lines[0]!.undeclared_metric).toBeUndefined();
    // (the epoch event adds its own val_flow_loss point after the step's: compare the step's, the first)
    for (const name of METRIC_NAMES.step) expect([live.series[name]?.step[0], live.series[name]?.value[0]], name).toEqual([4, step[name]]);
    expect(live.series.undeclared_metric).toBeUndefined();
    store.close();
  });
});
