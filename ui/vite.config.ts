/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** pdf.js's JavaScript decoders for JPEG 2000 and JBIG2 images (src/pdf-engine.ts's
 *  `wasmUrl`: the app's CSP allows no WebAssembly, so pdf.js imports these instead), copied
 *  to `dist/pdfjs/wasm/` with their licences. */
function pdfjsDecoders(): Plugin {
  const files = ['openjpeg_nowasm_fallback.js', 'jbig2_nowasm_fallback.js', 'LICENSE_OPENJPEG', 'LICENSE_PDFJS_OPENJPEG', 'LICENSE_JBIG2', 'LICENSE_PDFJS_JBIG2'];
  return {
    name: 'vigie-pdfjs-decoders',
    apply: 'build',
    generateBundle() {
      for (const file of files) {
        const source = readFileSync(fileURLToPath(new URL(`./node_modules/pdfjs-dist/wasm/${file}`, import.meta.url)));
        this.emitFile({ type: 'asset', fileName: `pdfjs/wasm/${file}`, source });
      }
    },
  };
}

// `npm run dev` serves the UI on :5173 and forwards /api to a running `vigie serve`
// (VIGIE_API, default http://127.0.0.1:8617). The server refuses foreign origins, so the
// browser's Origin header is dropped on the way.
const api = process.env.VIGIE_API ?? 'http://127.0.0.1:8617';

export default defineConfig({
  plugins: [svelte(), pdfjsDecoders()],
  // Relative URLs: the same build is served by `vigie serve` and by the Tauri webview.
  base: './',
  // pdf.js's Symbol and ZapfDingbats fonts, imported `?inline` by src/pdf-engine.ts.
  assetsInclude: ['**/*.pfb'],
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
