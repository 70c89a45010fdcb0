import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src-main/engine/checkpoint/atomic-write.js';
import { loadCheckpoint } from '../../../src-main/engine/checkpoint/checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-main/engine/checkpoint/format.js';
import { encodeLegacyCheckpoint } from '../../../src-main/engine/checkpoint/legacy-format.js';
import { tempDir } from './fixtures.js';

const arrays = [
  { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  { name: 'b', shape: [1], data: Float32Array.from([-0.5]) },
];

describe('checkpoint format', () => {
  it('round-trips header JSON and float32 blobs exactly', () => {
    const buf = encodeCheckpoint({ step: 3, note: 'x' }, arrays);
    const { header, arrays: back } = decodeCheckpoint<{ step: number; note: string }>(buf, 'mem');
    expect(header.step).toBe(3);
    expect(header.tensors.map((t) => t.name)).toEqual(['a', 'b']);
    expect(Array.from(back.get('a')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.get('b')!.shape).toEqual([1]);
  });

  it('refuses wrong magic, wrong version, truncation and a flipped payload byte, naming the file (older .fbckpt layout)', async () => {
    const dir = tempDir('ckpt');
    const good = encodeLegacyCheckpoint({ step: 1 }, arrays);
    const cases: Record<string, [Buffer, RegExp]> = {
      magic: [Buffer.concat([Buffer.from('NOTACKPT'), good.subarray(8)]), /wrong magic/],
      version: [(() => { const b = Buffer.from(good); b.writeUInt32LE(99, 8); return b; })(), /format version 99 is not supported/],
      truncated: [good.subarray(0, good.length - 3), /truncated/],
      short: [good.subarray(0, 10), /too short/],
      header: [good.subarray(0, 40), /truncated: header/],
      corrupt: [(() => { const b = Buffer.from(good); b[b.length - 2] ^= 0xff; return b; })(), /corrupted/],
    };
    for (const [name, [bytes, why]] of Object.entries(cases)) {
      const file = join(dir, `${name}.fbckpt`);
      await fs.writeFile(file, bytes);
      await expect(loadCheckpoint(file), name).rejects.toThrow(why);
      await expect(loadCheckpoint(file), name).rejects.toThrow(file);
    }
    await expect(loadCheckpoint(join(dir, 'missing.fbckpt'))).rejects.toThrow(/missing\.fbckpt: cannot read \(ENOENT\)/);
  });

  it('refuses a truncated, corrupted, foreign or newer safetensors file, naming the file and what is wrong', async () => {
    const dir = tempDir('ckpt-st');
    const good = encodeCheckpoint({ step: 1 }, arrays);
    const headerLen = Number(good.readBigUInt64LE(0));
    const withMeta = (edit: (m: Record<string, string>) => void): Buffer => {
      const h = JSON.parse(good.subarray(8, 8 + headerLen).toString('utf8'));
      edit(h.__metadata__);
      const json = Buffer.from(JSON.stringify(h), 'utf8');
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([len, json, good.subarray(8 + headerLen)]);
    };
    const cases: Record<string, [Buffer, RegExp]> = {
      magic: [Buffer.concat([Buffer.from('NOTACKPT'), good.subarray(8)]), /wrong magic/],
      truncated: [good.subarray(0, good.length - 3), /truncated or padded/],
      header: [good.subarray(0, 40), /truncated: header/],
      corrupt: [(() => { const b = Buffer.from(good); b[b.length - 2] ^= 0xff; return b; })(), /corrupted/],
      foreign: [withMeta((m) => { delete m.format; }), /not a Flowbench checkpoint/],
      version: [withMeta((m) => { m.format_version = '9'; }), /format version 9 is not supported/],
    };
    for (const [name, [bytes, why]] of Object.entries(cases)) {
      const file = join(dir, `${name}.fbckpt`);
      await fs.writeFile(file, bytes);
      await expect(loadCheckpoint(file), name).rejects.toThrow(why);
      await expect(loadCheckpoint(file), name).rejects.toThrow(file);
    }
  });

  it('writes atomically: the sha256 matches the bytes and no temp file is left', async () => {
    const dir = tempDir('atomic');
    const file = join(dir, 'sub', 'x.bin');
    const w = await writeFileAtomic(file, Buffer.from('hello'));
    expect(w.sha256).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(await fs.readdir(join(dir, 'sub'))).toEqual(['x.bin']);
  });
});
