import { writeFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const distDir = resolve(import.meta.dirname, 'dist')

// The Go package frontend embeds dist/ and needs dist/.keep to exist even on a
// clean clone (it is committed). emptyOutDir wipes it on every build, so it
// is written back once the bundle is out.
function keepDistPlaceholder() {
  return {
    name: 'nalgae-keep-dist',
    apply: 'build',
    closeBundle() {
      mkdirSync(distDir, { recursive: true })
      writeFileSync(resolve(distDir, '.keep'), '')
    },
  }
}

const goServer = process.env.NALGAE_DEV_API || 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue(), keepDistPlaceholder()],
  define: {
    // vue-i18n feature flags: composition API only, messages compiled without
    // eval (the server's CSP is script-src 'self').
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
  },
  build: {
    outDir: distDir,
    emptyOutDir: true,
    target: 'es2020',
    // The first load must stay small: chart.js is imported dynamically by the
    // pages with charts, each page is its own chunk.
    chunkSizeWarningLimit: 300,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: goServer, changeOrigin: false },
      '/healthz': { target: goServer },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.js'],
    restoreMocks: true,
  },
})
