import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run console:dev` serves the console with hot reload and proxies the API it talks to
// (YUNBANG_URL, default the local stack's) so the session cookie stays same-origin.
const api = process.env.YUNBANG_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 800 },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(['/graphql', '/auth', '/api'].map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
