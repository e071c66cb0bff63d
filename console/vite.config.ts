import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The gateway serves the built files from its classpath at /console (dev.tokengate.http.ConsoleRoutes).
const out = fileURLToPath(new URL('../src/main/resources/console', import.meta.url));

export default defineConfig({
  base: '/console/',
  build: {
    outDir: out,
    emptyOutDir: true,
    target: 'es2022',
    // one small bundle: no source maps in the jar, no inlined assets that the page's CSP would refuse
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` serves the console with hot reload and sends API calls to a gateway on :8080
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/api': 'http://127.0.0.1:8080',
      '/admin': 'http://127.0.0.1:8080',
      '/health': 'http://127.0.0.1:8080',
      '/ready': 'http://127.0.0.1:8080',
      '/metrics': 'http://127.0.0.1:8080',
    },
  },
});
