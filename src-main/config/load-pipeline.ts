/**
 * A pipeline YAML file → a validated PipelineSpec, with the run config's error format: every
 * problem at once, each naming the file, line, key path, the value received and what would
 * be valid (ConfigError; the CLI exits 2).
 */
import { ConfigError, type ConfigIssue } from './errors.js';
import { describeValue } from './load-config.js';
import { formatPath, getPath, isPlainObject, type PathSegment } from './paths.js';
import { pipelineSchema, type PipelineSpec } from './pipeline-schema.js';
import { readConfigFile } from './read-config-file.js';
import { describeExpected, schemaAt } from './schema-describe.js';
import { suggestKey } from './suggest.js';
import { parseYamlSource } from './yaml-source.js';

const WHAT = 'pipeline configuration';

/** @param absPath the resolved file; @param shown the path as the user gave it (errors name it). */
export function loadPipelineSpec(absPath: string, shown: string = absPath): PipelineSpec {
  const parsed = parseYamlSource(readConfigFile(absPath, shown), shown);
  if (parsed.errors.length) throw new ConfigError(parsed.errors, WHAT);
  const value = parsed.value ?? {};
  if (!isPlainObject(value)) {
    throw new ConfigError([{ path: '', source: shown, line: 1, message: `the document must be a mapping with keys name, stage1, stage2; got ${describeValue(value)}` }], WHAT);
  }
  const result = pipelineSchema.safeParse(value);
  if (result.success) return result.data;
  const at = (path: PathSegment[], message: string): ConfigIssue => {
    let line: number | undefined;
    for (let n = path.length; n > 0 && line === undefined; n--) line = parsed.lines.get(formatPath(path.slice(0, n)));
    return { path: formatPath(path), message, source: shown, ...(line !== undefined ? { line } : {}) };
  };
  throw new ConfigError(
    result.error.issues.flatMap((zi) => {
      const path = zi.path as PathSegment[];
      if (zi.code === 'unrecognized_keys') {
        return zi.keys.map((key) => at([...path, key], `unknown key; ${suggestKey([...path, key], pipelineSchema)}`));
      }
      const schema = schemaAt(path, pipelineSchema);
      return [at(path, `got ${describeValue(getPath(value, path))}; expected ${schema ? describeExpected(schema) : zi.message}`)];
    }),
    WHAT,
  );
}
