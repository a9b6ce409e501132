// Bundles the compiled CLI (dist/cli/entry.js and all it imports, oclif and undici's Agent included) into dist/bundle/, so a run loads a few files instead of ~200 modules.
import {rmSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

/** The package root whose dist/ to bundle: this project, or a private build's directory given as the argument. */
const root = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(new URL('..', import.meta.url))

/**
 * Left to load from node_modules when first used: protocol libraries and parsers only some commands
 * need (the code imports them lazily), and optional native parts esbuild cannot bundle.
 */
const external = ['ssh2', 'ssh2-sftp-client', 'basic-ftp', 'cheerio', 'tinybench', 'cpu-features', '@oclif/plugin-autocomplete', 'typescript']

// Chunk names change with their content; a stale chunk from an earlier build must not linger.
rmSync(path.join(root, 'dist/bundle'), {recursive: true, force: true})
await build({
  entryPoints: {entry: path.join(root, 'dist/cli/entry.js')},
  outdir: path.join(root, 'dist/bundle'),
  bundle: true,
  // Lazy imports (transports, sources, the demo) become chunks loaded on first use.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  // Bundled CommonJS dependencies (oclif, undici) still call require() for Node's own modules.
  banner: {js: "import {createRequire as mirrorkitCreateRequire} from 'node:module'; const require = mirrorkitCreateRequire(import.meta.url);"},
})
process.stdout.write(`bundle: ${path.relative(process.cwd(), path.join(root, 'dist/bundle/entry.js')) || 'entry.js'}\n`)
