// Compiles the working tree into a private directory, so a long soak or load run is not broken by someone rebuilding dist/ meanwhile.
import {execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** A temp copy of the CLI (package.json, bin/, a fresh dist/ with its bundle, the oclif manifest, node_modules linked); `remove()` deletes it. */
export function privateBuild(log = () => undefined) {
  const directory = mkdtempSync(path.join(tmpdir(), 'mirrorkit-build-'))
  log(`compiling a private build in ${directory}`)
  // tsc still emits when another helper's file has a type error mid-edit; only a crash stops it.
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--outDir', path.join(directory, 'dist')], {stdio: 'ignore'})
  } catch (error) {
    if (error.status === null) throw error
  }
  cpSync(path.join(root, 'package.json'), path.join(directory, 'package.json'))
  cpSync(path.join(root, 'bin'), path.join(directory, 'bin'), {recursive: true})
  symlinkSync(path.join(root, 'node_modules'), path.join(directory, 'node_modules'))
  // The same steps as `npm run build` after tsc: bin/run.cjs loads the bundle through its code cache, oclif reads the manifest.
  for (const step of ['bundle.js', 'manifest.js', 'code-cache.js']) execFileSync(process.execPath, [path.join(root, 'scripts', step), directory], {stdio: 'ignore'})
  return {
    directory,
    binary: path.join(directory, 'bin/run.cjs'),
    dist: path.join(directory, 'dist'),
    remove: () => rmSync(directory, {recursive: true, force: true}),
  }
}
