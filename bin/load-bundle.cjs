// Loads the bundled CLI (dist/bundle/mirrorkit.cjs) through the V8 code cache that `npm run build` writes next to it, so a run skips most of the parsing and compiling of 1.6 MB of JavaScript.
'use strict'
const {readFileSync} = require('node:fs')
const Module = require('node:module')
const path = require('node:path')
const vm = require('node:vm')

const bundle = path.join(__dirname, '..', 'dist', 'bundle', 'mirrorkit.cjs')
/** Written by scripts/code-cache.js; V8 refuses it (and compiles as usual) when the Node version, the V8 flags or the bundle differ. */
const codeCache = `${bundle}.code-cache`

/**
 * Returns the bundle's exports and the script it was compiled from (scripts/code-cache.js asks the
 * script for a new cache after a warm-up run). Measured on `mirrorkit fetch` of a small file from a
 * local server: the first request left 308 ms after the spawn with the ES-module bundle, 253 ms this way.
 */
function loadBundle() {
  // The main thread's loader resolves the bundle's own import() calls (ESM-only packages such as tinybench);
  // a Node without it loads the bundle the ordinary way.
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER
  if (importModuleDynamically === undefined) return {exports: require(bundle), script: undefined}
  const source = readFileSync(bundle, 'latin1')
  let cachedData
  try {
    cachedData = readFileSync(codeCache)
  } catch {
    // No cache (a build without it, or a private build): compile as usual.
  }
  const script = new vm.Script(Module.wrap(source), {filename: bundle, cachedData, importModuleDynamically})
  // Registered as an ordinary module, so oclif's require() of its command target returns these same exports.
  const module = new Module(bundle, null)
  module.filename = bundle
  module.paths = Module._nodeModulePaths(path.dirname(bundle))
  Module._cache[bundle] = module
  try {
    script.runInThisContext().call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle))
  } catch (error) {
    delete Module._cache[bundle]
    throw error
  }
  module.loaded = true
  return {exports: module.exports, script}
}

module.exports = {bundle, codeCache, loadBundle}
