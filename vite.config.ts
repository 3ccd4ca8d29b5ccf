import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client lives in client/; `npm run build` writes dist/client, which the server serves.
// In development (`npm run dev:client`) Vite proxies the API, tiles and the socket to the server.
const serverUrl = process.env.SERVER_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': serverUrl,
      '/tiles': serverUrl,
      '/socket.io': { target: serverUrl, ws: true },
    },
  },
});
