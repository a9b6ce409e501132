// A download through the installed entry point, under its shebang's flags: socket buffers are freed as they are written (src/core/handed-over.ts), and the file still matches its checksum.
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'

const run = promisify(execFile)
const binary = fileURLToPath(new URL('../../bin/run.cjs', import.meta.url))
const SIZE = 24 * 1024 * 1024 + 12_345

describe('bin/run.cjs fetch', () => {
  const content = makeContent(SIZE)
  const mirrors: HttpMirror[] = []
  let directory = ''

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mirrorkit-bin-fetch-'))
    for (let index = 0; index < 2; index++) mirrors.push(await startHttpMirror({files: {'/f.bin': content}}))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await rm(directory, {recursive: true, force: true})
  })

  it('writes every byte of a multi-link download from two mirrors, proved by the whole-file checksum', async () => {
    const output = join(directory, 'f.bin')
    const urls = mirrors.map((mirror) => `${mirror.url}f.bin`)
    const pending = run(binary, ['fetch', ...urls, '-o', output, '--piece-size', '256K', '--progress', 'none', '--checksum', `sha256:${sha256Hex(content)}`], {timeout: 60_000})
    // The CLI reads a piped stdin to its end.
    pending.child.stdin?.end()
    const {stdout} = await pending
    expect(JSON.parse(stdout)).toMatchObject({size: SIZE, checks: [{name: 'checksum', ok: true}]})
    expect(sha256Hex(await readFile(output))).toBe(sha256Hex(content))
  })
})
