import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The build lands inside the Python package, which serves it (src/runhub/ui/serve.py). Asset
// URLs are relative: the server puts a <base href> naming its mount point into index.html.
export default defineConfig({
  plugins: [react()],
  base: "./",
  build: {
    outDir: "../src/runhub/ui/dist",
    emptyOutDir: true,
    assetsDir: "static-files",
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      "/ajax-api": "http://127.0.0.1:5000",
      "/api/openapi.json": "http://127.0.0.1:5000",
      "/get-artifact": "http://127.0.0.1:5000",
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
  },
});
