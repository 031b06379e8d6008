import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// Relative base: the same build is served from Electron's app:// protocol and from browser mode's server.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [vue()],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    // No inline <script> or data: modules: the CSP allows only 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
