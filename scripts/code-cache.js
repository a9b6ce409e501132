// Writes dist/bundle/mirrorkit.cjs.code-cache: runs `mirrorkit fetch` once against two local mirrors, under the V8 flags of bin/run.cjs's shebang, and saves what V8 compiled for it.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

/** The package root to work on: this project, or a private build's directory given as the argument. */
const root = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(new URL('..', import.meta.url))
const warm = fileURLToPath(new URL('./code-cache-warm.cjs', import.meta.url))
const loader = path.join(root, 'bin/load-bundle.cjs')
const TIMEOUT_MS = 60_000

// V8 accepts a cache only under the flags it was made with, so they come from the shebang itself.
const shebang = readFileSync(path.join(root, 'bin/run.cjs'), 'utf8').split('\n')[0]
const flags = shebang.split(/\s+/).filter((word) => word.startsWith('--'))

const {startHttpMirror} = await import(pathToFileURL(path.join(root, 'dist/mirrors/http-mirror.js')).href)
const body = randomBytes(2 * 1024 * 1024)
const mirror = await startHttpMirror({files: {'/a/warm.bin': body, '/b/warm.bin': body}})
const scratch = mkdtempSync(path.join(tmpdir(), 'mirrorkit-code-cache-'))
try {
  const args = ['fetch', `${mirror.url}a/warm.bin`, `${mirror.url}b/warm.bin`, '-o', path.join(scratch, 'warm.bin'), '--progress', 'json']
  const child = spawn(process.execPath, [...flags, warm, loader, ...args], {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-4000)))
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
  const code = await new Promise((resolve) => child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal)))
  clearTimeout(timer)
  if (code !== 0) {
    process.stderr.write(`code-cache: the warm-up fetch ended with ${code}\n${stderr}\n`)
    process.exitCode = 1
  } else {
    process.stdout.write(`code-cache: ${path.relative(process.cwd(), path.join(root, 'dist/bundle/mirrorkit.cjs.code-cache'))} (flags ${flags.join(' ')})\n`)
  }
} finally {
  await mirror.close()
  rmSync(scratch, {recursive: true, force: true})
}
