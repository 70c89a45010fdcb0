/**
 * The pipeline file (`flowbench pipeline --config configs/pipeline_pretrain_fewshot.yaml`):
 * stage 1 names an ordinary train config, stage 2 sets the few-shot fine-tuning. Declared
 * here, beside the run schema, so both files are read with the same line-numbered errors.
 */
import { z } from 'zod';
import { SCALES } from './enums.js';

export const pipelineSchema = z.strictObject({
  name: z.string().min(1).default('pipeline_pretrain_fewshot'),
  stage1: z.strictObject({
    /** Train config, relative to the pipeline file. */
    config: z.string().min(1),
    scale: z.enum(SCALES).nullable().default(null),
    /** key=value overrides, as --set. */
    set: z.array(z.string()).default([]),
  }),
  stage2: z.strictObject({
    way: z.number().int().min(2).default(5),
    shot: z.number().int().min(1).default(5),
    query: z.number().int().min(1).default(15),
    train_episodes: z.number().int().min(0).default(100),
    eval_episodes: z.number().int().min(1).default(200),
    lr: z.number().positive().max(1).default(1e-4),
    max_windows_per_file: z.number().int().positive().nullable().default(120),
  }).prefault({}),
});
export type PipelineSpec = z.infer<typeof pipelineSchema>;
