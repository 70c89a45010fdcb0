import { describe, expect, it } from 'vitest';
import {
  API_METHODS,
  ApiRequestError,
  channelOf,
  contract,
  parseRequest,
  runEventSchema,
} from '../../../src-preload/contract.js';

function failure(method: Parameters<typeof parseRequest>[0], req: unknown): ApiRequestError {
  try {
    parseRequest(method, req);
  } catch (err) {
    if (err instanceof ApiRequestError) return err;
    throw err;
  }
  throw new Error(`expected ${method}(${JSON.stringify(req)}) to be refused`);
}

describe('contract', () => {
  it('has schemas for exactly the methods the preload exposes, each on its own channel', () => {
    expect(Object.keys(contract).sort()).toEqual([...API_METHODS].sort());
    expect(new Set(API_METHODS.map(channelOf)).size).toBe(API_METHODS.length);
  });

  it('accepts good requests', () => {
    expect(parseRequest('listRuns', {})).toEqual({});
    expect(parseRequest('listRuns', undefined)).toEqual({});
    expect(parseRequest('listRuns', { limit: 5, status: 'completed' })).toEqual({ limit: 5, status: 'completed' });
    expect(parseRequest('getRun', { id: 'last' })).toEqual({ id: 'last' });
    expect(parseRequest('getMetrics', { id: 'ab12', names: ['flow_loss'], scope: 'step' })).toEqual({
      id: 'ab12', names: ['flow_loss'], scope: 'step',
    });
  });

  it('rejects bad requests naming the method and the field', () => {
    const limit = failure('listRuns', { limit: 0 });
    expect(limit.fields).toEqual(['limit']);
    expect(limit.message).toMatch(/^listRuns: bad request: limit: /);

    const status = failure('listRuns', { status: 'done' });
    expect(status.fields).toEqual(['status']);
    expect(status.message).toContain('running');

    expect(failure('getRun', { id: 42 }).fields).toEqual(['id']);
    expect(failure('getRun', {}).fields).toEqual(['id']);
    expect(failure('getRun', { id: '  ' }).message).toContain('"last"');
    expect(failure('getMetrics', { id: 'x', names: ['flow_loss', ''] }).fields).toEqual(['names.1']);
    expect(failure('getMetrics', { id: 'x', scope: 'batch' }).fields).toEqual(['scope']);
  });

  it('rejects unknown keys by name, so a typo is not silently ignored', () => {
    const err = failure('listRuns', { limt: 5 });
    expect(err.fields).toEqual(['limt']);
    expect(err.message).toContain('limt');
  });

  it('refuses an unknown method', () => {
    expect(() => parseRequest('deleteEverything' as 'getRun', {})).toThrow(/unknown API method "deleteEverything"/);
  });

  it('passes engine event fields through and rejects events without the base fields', () => {
    const step = { event: 'step', run_id: 'r1', step: 3, time: '2026-01-01T00:00:00Z', flow_loss: 0.5 };
    expect(runEventSchema.parse(step)).toEqual(step);
    expect(runEventSchema.safeParse({ event: 'step', step: 3, time: 't' }).success).toBe(false);
    expect(runEventSchema.safeParse({ ...step, event: 'exploded' }).success).toBe(false);
  });

  it('replies carry non-finite values as null, never NaN', () => {
    const ok = contract.getMetrics.reply.safeParse({ id: 'r', series: [{ name: 'flow_loss', scope: 'step', step: [1], value: [null] }] });
    expect(ok.success).toBe(true);
    const nan = contract.getMetrics.reply.safeParse({ id: 'r', series: [{ name: 'flow_loss', scope: 'step', step: [1], value: [NaN] }] });
    expect(nan.success).toBe(false);
  });
});
