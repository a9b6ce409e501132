// The import rules of ARCHITECTURE.md, checked by `npm run check:layers` (and so by `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-not-cli',
      comment: 'src/core is the library: it never imports the command line (src/cli) or the commands.',
      severity: 'error',
      from: {path: '^src/core/'},
      to: {path: '^src/(cli|commands)/'},
    },
    {
      name: 'plugins-not-download',
      comment: 'A transport or source serves every stage, so it never reaches into the download engine.',
      severity: 'error',
      from: {path: '^src/plugins/'},
      to: {path: '^src/core/download/'},
    },
    {
      name: 'core-plugins-through-registry',
      comment: 'src/core reaches plugins only through the registry (src/plugins/index.ts) and the plugin types (src/plugins/types.ts); helpers shared with core belong in core.',
      severity: 'error',
      from: {path: '^src/core/'},
      to: {path: '^src/plugins/', pathNot: '^src/plugins/(index|types)\\.ts$'},
    },
    {
      name: 'mirrors-only-for-tests',
      comment: 'src/mirrors holds test servers: only tests, the demo, the bench and build scripts may use them.',
      severity: 'error',
      from: {pathNot: '^(test/|src/mirrors/|src/core/demo/|bench/|scripts/)'},
      to: {path: '^src/mirrors/'},
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles, type-only imports included: a cycle ties two files into one concept.',
      severity: 'error',
      from: {},
      to: {circular: true},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '^(dist|node_modules)/'},
    // Type-only imports count: `import type` cycles are cycles too.
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    reporterOptions: {text: {highlightFocused: true}},
  },
}
