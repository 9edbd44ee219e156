/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `npm run dev` serves the UI on :5173 and forwards /api to a running `vigie serve`
// (VIGIE_API, default http://127.0.0.1:8617). The server refuses foreign origins, so the
// browser's Origin header is dropped on the way.
const api = process.env.VIGIE_API ?? 'http://127.0.0.1:8617';

export default defineConfig({
  plugins: [svelte()],
  // Relative URLs: the same build is served by `vigie serve` and by the Tauri webview.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: URLs for scripts (the CSP allows scripts from 'self' only).
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': {
        target: api,
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (request) => request.removeHeader('origin'));
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
