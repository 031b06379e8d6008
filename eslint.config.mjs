import path from 'node:path';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

// ONNX Runtime's telemetry is on unless the process turns it off first; the wrapper does (see its comment).
const ORT_WRAPPER = 'src-main/core/inference/onnxRuntime.ts';
const onlyThroughWrapper = { group: ['onnxruntime-node'], message: `Import ONNX Runtime from ${ORT_WRAPPER}, which turns its telemetry off.` };
const coreBoundaries = [
  { group: ['electron', 'ws', 'vue', 'pinia'], message: 'core/ knows nothing of Electron, WebSocket or Vue.' },
  { group: ['**/api/*', '**/server/*', '**/electron/*', '**/cli/*'], message: 'core/ must not depend on its front ends.' },
];


/*
 * The order of the core's layers (docs/DESIGN.md §3), enforced as VS Code enforces its own: a module may import
 * its own layer or a lower one, never a higher one. Front ends (api, cli, server, electron) compose the core only
 * through the application layer and the composition root (plus the core's root utilities: errors, ids, ...);
 * from the lower layers they may import types only, which cost nothing at run time and couple no behaviour.
 * Tests are exempt: they may set up a project through the composition root to test any layer.
 */
const CORE_LAYERS = [
  {
    name: 'stores and pure engines',
    globs: [
      'src-main/core/*.ts',
      'src-main/core/{store,media,vision,inference,onnx,paths}/**',
      'src-main/core/affect/{propagate,metrics,agreement,pairHead,priorHead,descriptorLayout,circumplex,random,trainHead,ridge,bandCalibration}.ts',
      'src-main/core/active/suggest.ts',
      // Messages to and from the analysis process: types only, shared by the store that saves what it sends.
      'src-main/core/analysis/analysisProtocol.ts',
    ],
  },
  { name: 'workflows', globs: ['src-main/core/**'] },
  { name: 'the application layer (core/app)', globs: ['src-main/core/app/**'] },
  { name: 'the composition root (core/studio)', globs: ['src-main/core/studio/**'] },
];
const FRONT_ENDS = 'src-main/{api,cli,server,electron}/**';
// What front ends may import for its behaviour, not only its types (core/paths: how a typed path is read).
// jobKinds.ts is the jobs' contract (zod schemas, no Node): api/contract.ts builds its job messages from it.
const FRONT_END_MAY_USE = ['src-main/core/*.ts', 'src-main/core/paths/**', 'src-main/core/app/**', 'src-main/core/studio/**', 'src-main/core/jobs/jobKinds.ts'];
/*
 * Front-end imports of lower layers not yet behind a use case (evaluation, salvage, option parsing, the CLI's
 * suggest command). Listed so that every new one fails; delete an entry with the import it names.
 */
const FRONT_END_DEBTS = {
  'api/studioApi.ts': ['core/io/exportLedger', 'core/store/recentProjects'], // composes the process's services
  'cli/openSession.ts': ['core/io/exportLedger'], // likewise, for one command
  'cli/main.ts': ['core/store/recentProjects'],
  'cli/agreementCommands.ts': ['core/affect/projectAgreement'], // AXES and FUSION_METHODS, for the usage checks
  'cli/evaluateCommands.ts': ['core/affect/fewshot', 'core/affect/labelledImages', 'core/affect/descriptorLayout'],
  'cli/exportCommands.ts': ['core/io/datasetSplit', 'core/io/datasetSubjects', 'core/io/exportLabels', 'core/io/exportTarget'],
  'cli/salvageCommand.ts': ['core/store/projectFolder', 'core/store/recentProjects', 'core/store/salvage'],
  'cli/suggestCommand.ts': ['core/ingest/videoAccess', 'core/store/analysisStore', 'core/store/annotatorStore'],
  'cli/videoCommands.ts': ['core/ingest/importSummary'],
};

/** `*` within a folder, `**` across folders, `{a,b}` alternatives: all the layer globs need. */
function globRegExp(glob) {
  const body = glob
    .split(/(\*\*\/?|\*|\{[^}]*\}|[.])/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '.') return '\\.';
      if (part.startsWith('{')) return `(?:${part.slice(1, -1).split(',').join('|')})`;
      return part;
    })
    .join('');
  return new RegExp(`^${body}$`);
}
const matches = (globs) => {
  const patterns = globs.map(globRegExp);
  return (file) => patterns.some((pattern) => pattern.test(file));
};
const layerMatchers = CORE_LAYERS.map((layer) => matches(layer.globs));
/** Most specific first: every core file also matches the workflows' `core/**`. */
const layerOf = (file) => [3, 2, 0, 1].find((layer) => layerMatchers[layer](file)) ?? -1;
const isFrontEnd = matches([FRONT_ENDS]);
const frontEndMayUse = matches(FRONT_END_MAY_USE);

const coreLayers = {
  meta: { type: 'problem', schema: [], messages: { upward: '{{from}} may not import {{to}} ({{target}}): {{why}}' } },
  create(context) {
    const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    if (/\.test\.ts$/.test(file)) return {};
    const fromLayer = layerOf(file);
    const frontEnd = isFrontEnd(file);
    if (fromLayer < 0 && !frontEnd) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
      const resolved = /\.[cm]?[jt]s$/.test(target) ? target : `${target}.ts`;
      const toLayer = layerOf(resolved);
      if (toLayer < 0) return;
      const typeOnly = node.importKind === 'type' || node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
      if (frontEnd) {
        const debt = FRONT_END_DEBTS[file.replace(/^src-main\//, '')]?.includes(resolved.replace(/^src-main\/|\.ts$/g, ''));
        if (typeOnly || frontEndMayUse(resolved) || debt) return;
        const why = 'front ends call the application layer (core/app) or the composition root (core/studio), and import lower layers for types only';
        context.report({ node, messageId: 'upward', data: { from: 'a front end', to: CORE_LAYERS[toLayer].name, target: source, why } });
      } else if (toLayer > fromLayer) {
        const why = 'layers import only their own layer or lower ones (docs/DESIGN.md §3)';
        context.report({ node, messageId: 'upward', data: { from: CORE_LAYERS[fromLayer].name, to: CORE_LAYERS[toLayer].name, target: source, why } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist-main/', 'dist-renderer/', 'release/', 'test-results/', 'bin/'] },
  ...tseslint.configs.strict,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      // Prettier-free project: keep the template rules that catch bugs, not the ones about layout.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/multi-word-component-names': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron'], message: 'Only src-main/electron may import electron.' }, onlyThroughWrapper] },
      ],
    },
  },
  {
    files: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [onlyThroughWrapper] }] },
  },
  {
    // The domain stays free of transports and UI (docs/DESIGN.md §3).
    files: ['src-main/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...coreBoundaries, onlyThroughWrapper] }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    plugins: { layers: { rules: { 'core-order': coreLayers } } },
    rules: { 'layers/core-order': 'error' },
  },
  {
    files: [ORT_WRAPPER],
    rules: { 'no-restricted-imports': ['error', { patterns: coreBoundaries }] },
  },
);
