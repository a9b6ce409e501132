// Child of scripts/code-cache.js: runs one command through the bundle as bin/run.cjs does, then saves V8's code cache of everything compiled so far.
'use strict'
const {renameSync, writeFileSync} = require('node:fs')
const path = require('node:path')
const {pathToFileURL} = require('node:url')

const [loader, ...args] = process.argv.slice(2)
const {codeCache, loadBundle} = require(loader)
const binary = path.join(path.dirname(loader), 'run.cjs')
process.argv = [process.argv[0], binary, ...args]
const {exports: cli, script} = loadBundle()
if (!script) {
  process.stderr.write('code-cache: this Node cannot load the bundle through a code cache\n')
  process.exit(1)
}
// At exit, so every function the command ran is in it; written whole or not at all.
process.on('exit', (code) => {
  if (code !== 0) return
  writeFileSync(`${codeCache}.tmp`, script.createCachedData())
  renameSync(`${codeCache}.tmp`, codeCache)
})
cli.run(pathToFileURL(binary).href)
