// The fetch command as users run it (node bin/run.cjs): output and JSON summary, exit codes, and kill -9 then resume.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {startSftpMirror} from '../helpers/sftp-mirror.js'
import {freeLoopbackPort} from '../../src/mirrors/free-port.js'

const SIZE = 3 * 1024 * 1024 + 99
const content = makeContent(SIZE, 31)
const expected = sha256Hex(content)
const PIECE = 64 * 1024

type Result = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}

/** Runs the CLI with stdin closed; `killAfterMs` sends SIGKILL that long after the first link starts (needs --progress json). */
function cli(args: string[], killAfterMs?: number): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run.cjs', 'fetch', ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    let armed = false
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (killAfterMs !== undefined && !armed && stderr.includes('"link-start"')) {
        armed = true
        setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      }
    })
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolve({code, signal, stdout, stderr})
    })
  })
}


describe('mirrorkit fetch', () => {
  const mirrors: HttpMirror[] = []
  let directory: string

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mirrorkit-fetch-cli-'))
    mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 1024 * 1024}}))
    mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 1024 * 1024}}))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await rm(directory, {recursive: true, force: true})
  })

  const urls = () => mirrors.map((mirror) => `${mirror.url}f.bin`)

  it('downloads from two mirrors and prints the summary as JSON when piped', async () => {
    const output = join(directory, 'ok.bin')
    const result = await cli([...urls(), '-o', output, '--piece-size', '64K', '--progress', 'none', '--checksum', `sha256:${expected}`])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({size: SIZE, checks: [{name: 'checksum', ok: true}]})
    expect(summary.mirrors).toHaveLength(2)
    expect(sha256Hex(await readFile(output))).toBe(expected)
  })

  it('reads a MirrorSet with --input, skips mismatched candidates, and streams JSON-lines events', async () => {
    const output = join(directory, 'from-set.bin')
    const set = {
      version: 1,
      target: {name: 'from-set.bin', size: SIZE, checksums: [{algorithm: 'sha256', hex: expected}]},
      candidates: [
        {url: urls()[0], foundBy: ['test'], verify: {status: 'ok', checks: [], checkedAt: '', summary: ''}},
        {url: `${mirrors[1]!.url}other.bin`, foundBy: ['test'], verify: {status: 'mismatch', checks: [], checkedAt: '', summary: ''}},
        {url: urls()[1], foundBy: ['test']},
      ],
    }
    const input = join(directory, 'set.json')
    await writeFile(input, JSON.stringify(set))
    const result = await cli(['--input', input, '--dir', directory, '--progress', 'json'])
    expect(result.code).toBe(0)
    const events = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as {type: string; mirrors?: unknown[]})
    expect(events[0]).toMatchObject({type: 'start'})
    expect(events[0]!.mirrors).toHaveLength(2)
    expect(events.at(-1)).toMatchObject({type: 'done'})
    expect(sha256Hex(await readFile(output))).toBe(expected)
  })

  it('exits 4 and leaves no file when --checksum does not match', async () => {
    const output = join(directory, 'wrong.bin')
    const result = await cli([urls()[0]!, '-o', output, '--progress', 'none', '--checksum', `sha256:${'0'.repeat(64)}`])
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/EINTEGRITY/)
    expect(existsSync(output)).toBe(false)
  })

  it('exits 5 when the only mirror refuses connections', async () => {
    const result = await cli([`http://127.0.0.1:${await freeLoopbackPort()}/f.bin`, '-o', join(directory, 'refused.bin'), '--progress', 'none'])
    expect(result.stderr).toMatch(/ECONNREFUSED/)
    expect(result.code).toBe(5)
  })

  it('refuses an sftp mirror with an unknown host key, and takes it with --accept-unknown-host-keys', async () => {
    const small = makeContent(64 * 1024, 5)
    const sftp = await startSftpMirror({files: {'/s.bin': small}, password: 'pw'})
    try {
      const common = [`${sftp.url.replace('@', ':pw@')}s.bin`, '--known-hosts', join(directory, 'no-known-hosts'), '--progress', 'none']
      const refused = await cli([...common, '-o', join(directory, 'refused.bin')])
      expect(refused.code, refused.stderr).toBe(5)
      expect(refused.stderr).toContain('EHOSTKEY')
      const accepted = await cli([...common, '-o', join(directory, 'accepted.bin'), '--accept-unknown-host-keys'])
      expect(accepted.code, accepted.stderr).toBe(0)
      expect(sha256Hex(await readFile(join(directory, 'accepted.bin')))).toBe(sha256Hex(small))
    } finally {
      await sftp.close()
    }
  })

  it('exits 3 when the file is missing on every mirror', async () => {
    const result = await cli([`${mirrors[0]!.url}missing.bin`, '-o', join(directory, 'missing.bin'), '--progress', 'none'])
    expect(result.stderr).toMatch(/ENOTFOUND/)
    expect(result.code).toBe(3)
  })

  it('survives kill -9 at seeded moments: every resume continues, and the result is exact', async () => {
    const output = join(directory, 'resumed.bin')
    const slow = [await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 512 * 1024}}), await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 512 * 1024}})]
    mirrors.push(...slow)
    const args = [...slow.map((mirror) => `${mirror.url}f.bin`), '-o', output, '--piece-size', '64K', '--progress', 'json', '-n', '4', '-x', '2']
    // Seeded kill times, in ms after the first link starts: the first after a checkpoint (every second);
    // the mirrors share 1 MiB/s, so a whole run is about 3 s.
    const killTimes = [1300, 400, 900, 700]
    let recorded = 0
    for (const killAt of killTimes) {
      const killed = await cli(args, killAt)
      if (killed.code === 0) break
      expect(killed.signal).toBe('SIGKILL')
      // Whatever the control file calls done must already be the right bytes in the part file.
      const state = JSON.parse(await readFile(`${output}.mirrorkit`, 'utf8').catch(() => '{"done":[]}')) as {done: Array<[number, number, number]>}
      const part = await readFile(`${output}.part`).catch(() => Buffer.alloc(0))
      let pieces = 0
      for (const [first, end] of state.done) {
        for (let piece = first; piece < end; piece++) {
          expect(part.subarray(piece * PIECE, Math.min(SIZE, (piece + 1) * PIECE)).equals(content.subarray(piece * PIECE, Math.min(SIZE, (piece + 1) * PIECE)))).toBe(true)
          pieces++
        }
      }
      expect(pieces).toBeGreaterThanOrEqual(recorded)
      recorded = pieces
    }
    expect(recorded).toBeGreaterThan(0)
    const final = await cli(args)
    expect(final.code).toBe(0)
    const summary = JSON.parse(final.stdout)
    expect(summary.resumedBytes).toBeGreaterThan(0)
    expect(sha256Hex(await readFile(output))).toBe(expected)
    expect(existsSync(`${output}.mirrorkit`)).toBe(false)
    expect(existsSync(`${output}.part`)).toBe(false)
  }, 150_000)
})
