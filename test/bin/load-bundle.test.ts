// The installed entry point: bin/run.cjs runs as a command, and V8 accepts the code cache the build wrote for the bundle under the shebang's flags.
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const run = promisify(execFile)
const binary = fileURLToPath(new URL('../../bin/run.cjs', import.meta.url))
const loader = fileURLToPath(new URL('../../bin/load-bundle.cjs', import.meta.url))
const shebangFlags = readFileSync(binary, 'utf8').split('\n')[0]!.split(/\s+/).filter((word) => word.startsWith('--'))

/** Loads the bundle the way bin/run.cjs does, under `flags`, and reports whether V8 took the cache. */
async function cacheRejected(flags: string[]): Promise<unknown> {
  const probe = `const {script} = require(${JSON.stringify(loader)}).loadBundle(); process.stdout.write(JSON.stringify(script.cachedDataRejected))`
  const {stdout} = await run(process.execPath, [...flags, '-e', probe], {timeout: 30_000})
  return JSON.parse(stdout)
}

describe('bin/run.cjs', () => {
  it('runs as a command through its shebang', async () => {
    const {stdout} = await run(binary, ['--version'], {timeout: 30_000})
    expect(stdout).toMatch(/^mirrorkit\/\d+\.\d+\.\d+ /)
  })

  it('loads the bundle through the code cache under the shebang flags, and compiles as usual without them', async () => {
    expect(shebangFlags).toEqual(['--max-semi-space-size=1', '--liftoff-only', '--harmony-rab-gsab-transfer', '--single-threaded'])
    expect(await cacheRejected(shebangFlags)).toBe(false)
    // Another configuration gets no stale code: V8 refuses the cache and compiles the source.
    expect(await cacheRejected([])).toBe(true)
  })

  it('keeps its shebang within the 127 bytes that Linux before 5.1 reads of it', () => {
    const shebang = readFileSync(binary, 'utf8').split('\n')[0]!
    expect(Buffer.byteLength(shebang)).toBeLessThanOrEqual(127)
  })

  it('ships an ASCII bundle, since the loader reads it as Latin-1', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../../dist/bundle/mirrorkit.cjs', import.meta.url)))
    expect(bundle.length).toBeGreaterThan(100_000)
    expect(bundle.some((byte) => byte > 0x7f)).toBe(false)
  })
})
