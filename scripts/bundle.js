// Bundles the compiled CLI (dist/cli/entry.js and all it imports, oclif and undici's Agent included) into one CommonJS file, dist/bundle/mirrorkit.cjs, so a run loads one file instead of ~200 modules.
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

/** The package root whose dist/ to bundle: this project, or a private build's directory given as the argument. */
const root = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(new URL('..', import.meta.url))

/**
 * Left to load from node_modules when first used: protocol libraries and parsers only some commands
 * need (the code imports them lazily; BullMQ and ioredis only for --queue and the worker), and optional native
 * parts esbuild cannot bundle.
 */
const external = ['ssh2', 'ssh2-sftp-client', 'basic-ftp', 'cheerio', 'tinybench', 'openpgp', 'cpu-features', '@oclif/plugin-autocomplete', 'typescript', 'bullmq', 'ioredis']

/**
 * oclif sorts its command ids with localeCompare when it loads the manifest, on every run. The first
 * localeCompare of a process loads ICU's collation data: 5-9 ms of `mirrorkit --version` (221 -> 214 ms
 * median of 30 here), and nothing else on the way to a download needs it. The ids are ASCII words, whose
 * code-unit order is the same, so the bundled copy compares them plainly. The build fails if oclif's line changes.
 */
const plainIdOrder = {
  name: 'plain-command-id-order',
  setup(builder) {
    builder.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, (arguments_) => {
      const source = readFileSync(arguments_.path, 'utf8')
      const sort = '.sort((a, b) => a.id.localeCompare(b.id))'
      if (!source.includes(sort)) throw new Error(`${arguments_.path}: oclif no longer sorts commands with "${sort}"; update scripts/bundle.js`)
      return {contents: source.replace(sort, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'), loader: 'js'}
    })
  },
}

const bundle = path.join(root, 'dist/bundle/mirrorkit.cjs')
// A stale file from an earlier build (its code cache included) must not linger.
rmSync(path.join(root, 'dist/bundle'), {recursive: true, force: true})
await build({
  entryPoints: [path.join(root, 'dist/cli/entry.js')],
  outfile: bundle,
  bundle: true,
  // CommonJS, because Node 20 can load a CommonJS script through V8's code cache (bin/load-bundle.cjs) and
  // cannot do so for an ES module; lazy imports of our own modules stay lazy (their code runs on first use).
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external,
  plugins: [plainIdOrder],
  // ASCII only (see the check below); the licences of bundled packages go to mirrorkit.cjs.LEGAL.txt.
  charset: 'ascii',
  legalComments: 'external',
  logLevel: 'warning',
  // The bundle sits two directories below the package root, as dist/core/version.js does, so the
  // package.json it finds from here is the same one.
  define: {'import.meta.url': 'mirrorkitBundleUrl'},
  banner: {js: "const mirrorkitBundleUrl = require('node:url').pathToFileURL(__filename).href;"},
})
// The loader reads the bundle as Latin-1, which is ~15 ms faster than decoding 1.6 MB of UTF-8, so it must be
// ASCII. esbuild escapes non-ASCII everywhere but in regular expression literals (ansis has one), where
// \uXXXX means the same character.
const text = readFileSync(bundle, 'utf8')
if (/[^\x00-\x7f]/.test(text)) {
  const escaped = text.replace(/[^\x00-\x7f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
  writeFileSync(bundle, escaped)
}
process.stdout.write(`bundle: ${path.relative(process.cwd(), bundle) || bundle}\n`)
