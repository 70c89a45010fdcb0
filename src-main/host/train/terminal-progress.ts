/**
 * How a run's events reach a terminal: a live progress bar on a TTY, one JSON object per
 * line with --json (the public contract scripts read), or plain epoch lines otherwise
 * (logs, CI).
 */
import cliProgress from 'cli-progress';
import type { EngineEvent } from '../../engine/protocol/index.js';

export type ProgressMode = 'bar' | 'json' | 'plain';

export interface ProgressView {
  onEvent(event: EngineEvent): void;
  /** Stops the bar so later output starts on a clean line. */
  close(): void;
}

export function pickProgressMode(json: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  if (json) return 'json';
  return stream.isTTY ? 'bar' : 'plain';
}

export function createProgressView(mode: ProgressMode, out: NodeJS.WritableStream = process.stdout): ProgressView {
  if (mode === 'json') {
    return { onEvent: (event) => out.write(JSON.stringify(event) + '\n'), close: () => {} };
  }
  if (mode === 'plain') return plainView(out);
  return barView();
}

function fmt(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(2) : value.toFixed(digits);
}

/** Why the faster engines were not used, e.g. " (native: skipped at install: …)". */
function threadsText(threads: number | undefined): string {
  return threads && threads > 1 ? ` on ${threads} threads` : '';
}

export function skippedText(skipped: Record<string, string>): string {
  const parts = Object.entries(skipped).map(([name, why]) => `${name}: ${why}`);
  return parts.length ? ` (skipped ${parts.join('; ')})` : '';
}

function plainView(out: NodeJS.WritableStream): ProgressView {
  return {
    onEvent(event) {
      switch (event.event) {
        case 'started':
          out.write(`run ${event.run_id}: backend ${event.backend}${threadsText(event.backend_threads)}${skippedText(event.backend_skipped)}, ${event.params} parameters, ${event.total_steps} steps over ${event.epochs} epochs\n`);
          return;
        case 'data':
          out.write(
            `data: ${event.files} files, windows train ${event.windows.train} / val ${event.windows.val} / test ${event.windows.test}, ` +
              `classes ${event.classes.join(', ')}; domains ${event.domains.join(', ')}` +
              (event.skipped_windows ? `; ${event.skipped_windows} bad windows skipped` : '') +
              '\n',
          );
          return;
        case 'epoch':
          out.write(
            `epoch ${event.epoch}/${event.epochs} step ${event.step}: train flow_loss ${fmt(event.train_flow_loss)}, val ${fmt(event.val_flow_loss)}` +
              (event.train_contrastive_loss !== undefined
                ? `; contrastive ${fmt(event.train_contrastive_loss)}, val ${fmt(event.val_contrastive_loss)}`
                : '') +
              ` (${event.seconds.toFixed(1)} s)\n`,
          );
          return;
        case 'recovery':
          out.write(`recovery at step ${event.step}: ${event.kind} → ${event.outcome}\n`);
          return;
        case 'log':
          if (event.level !== 'info') out.write(`${event.level}: ${event.message}\n`);
          return;
        default:
          return;
      }
    },
    close() {},
  };
}

function barView(): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} step {value}/{total} | epoch {epoch} | loss {loss} | {sps} steps/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onEvent(event) {
      if (event.event === 'started') {
        process.stderr.write(`run ${event.run_id}: backend ${event.backend}${skippedText(event.backend_skipped)}\n`);
        bar.start(Math.max(1, event.total_steps), 0, { epoch: `0/${event.epochs}`, loss: '—', sps: '—' });
        started = true;
      } else if (started && event.event === 'step') {
        bar.update(event.step, { loss: fmt(event.flow_loss), sps: event.steps_per_s.toFixed(1) });
      } else if (started && event.event === 'epoch') {
        bar.update(event.step, { epoch: `${event.epoch}/${event.epochs}` });
      } else if (event.event === 'log' && event.level !== 'info') {
        bar.stop();
        process.stderr.write(`${event.level}: ${event.message}\n`);
      }
    },
    close() {
      if (started) bar.stop();
    },
  };
}
