import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

// ONNX Runtime's telemetry is on unless the process turns it off first; the wrapper does (see its comment).
const ORT_WRAPPER = 'src-main/core/inference/onnxRuntime.ts';
const onlyThroughWrapper = { group: ['onnxruntime-node'], message: `Import ONNX Runtime from ${ORT_WRAPPER}, which turns its telemetry off.` };
const coreBoundaries = [
  { group: ['electron', 'ws', 'vue', 'pinia'], message: 'core/ knows nothing of Electron, WebSocket or Vue.' },
  { group: ['**/api/*', '**/server/*', '**/electron/*', '**/cli/*'], message: 'core/ must not depend on its front ends.' },
];

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
    files: [ORT_WRAPPER],
    rules: { 'no-restricted-imports': ['error', { patterns: coreBoundaries }] },
  },
);
