/** The shipped configs as the host lists them (real files, real config loader): the wizard's defaults in tests. */
import { listConfigTemplates, DEFAULT_CONFIGS_DIR } from '../../../src-main/host/app/config-templates.js';
import { choicesFromSpec, DEFAULT_TEMPLATE } from '../../../src-renderer/src/stores/wizard.js';

export const TEMPLATES = listConfigTemplates(DEFAULT_CONFIGS_DIR, process.cwd());
export const BASIC = TEMPLATES.find((t) => t.file === DEFAULT_TEMPLATE)!;
/** The wizard's choices for the default config (what a new wizard shows). */
export const { dataset: BASIC_DATASET, model: BASIC_MODEL, checkpoint: BASIC_CHECKPOINT } = choicesFromSpec(BASIC.spec);
export const listConfigsReply = () => ({ configs: TEMPLATES, dir: DEFAULT_CONFIGS_DIR });
