/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import "./node-compat.ts";
import { prefetchStrings } from "./src/build/prefetch-strings.ts";

export default defineConfig(({ mode }) => ({
  plugins: [svelte(), prefetchStrings()],
  // Tauri serves ui/dist from its own origin; relative paths keep it simple.
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  // Component tests mount Svelte's browser build in jsdom.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test/catalogues.ts"],
  },
}));
