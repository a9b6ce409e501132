// The verify command as users run it (node bin/run.cjs): JSON when piped, --strict exit code, usage errors.
import {execFile} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../src/core/model.js'
import {makeContent} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'

type Run = {code: number; stdout: string; stderr: string}

/** Runs the built CLI with stdin closed (it reads a piped stdin to its end). */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/run.cjs', ...args], {timeout: 60_000}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
    child.stdin?.end()
  })
}

const content = makeContent(256 * 1024, 3)
const mirrors: HttpMirror[] = []
let directory: string
let setPath: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-verify-cli-'))
  for (const faults of [{}, {}, {corrupt: [{offset: 1000, length: 16}]}]) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults}))
  const set: MirrorSet = {
    version: 1,
    target: {name: 'f.bin', primary: `${mirrors[0]!.url}f.bin`, checksums: []},
    candidates: mirrors.slice(1).map((mirror) => ({url: `${mirror.url}f.bin`, foundBy: ['test']})),
  }
  setPath = join(directory, 'set.json')
  await writeFile(setPath, JSON.stringify(set))
})
afterAll(async () => {
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

describe('mirrorkit verify (CLI)', () => {
  it('writes the verified MirrorSet as JSON and, with --strict, exits 4 on a mismatch', async () => {
    // 4 samples of 64 KiB cover the whole 256 KiB file, so the corrupt bytes are always read.
    const run = await cli('verify', '--input', setPath, '--strict', '--seed', '1')
    expect(run.code).toBe(4)
    expect(run.stderr).toContain('1 mirror serve different bytes (EINTEGRITY)')
    const set = JSON.parse(run.stdout) as MirrorSet
    expect(set.target.size).toBe(content.length)
    expect(set.candidates.map((candidate) => candidate.verify?.status)).toEqual(['ok', 'ok', 'mismatch'])
    expect(set.candidates[0]!.foundBy).toEqual(['primary'])
  }, 90_000)

  it('exits 0 without --strict, 2 with no input at all, 3 when nothing serves the target', async () => {
    expect((await cli('verify', '--input', setPath)).code).toBe(0)
    const empty = await cli('verify')
    expect(empty.code, empty.stderr).toBe(2)
    expect(empty.stderr).toContain('EUSAGE')
    // Port 1 on loopback refuses: nothing serves the target, which is exit 3.
    const nothing = await cli('verify', '--primary', 'http://127.0.0.1:1/f.bin')
    expect(nothing.code, nothing.stderr).toBe(3)
    expect(nothing.stderr).toContain('ENOMIRROR')
  }, 90_000)

  it('verifies URLs given as arguments against --primary', async () => {
    const run = await cli('verify', '--json', '--primary', `${mirrors[0]!.url}f.bin`, `${mirrors[1]!.url}f.bin`)
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as MirrorSet).candidates.map((candidate) => candidate.verify?.status)).toEqual(['ok', 'ok'])
  }, 90_000)

  it('takes its defaults from the config file, and flags override them', async () => {
    const configFile = join(directory, 'config.json')
    await writeFile(configFile, JSON.stringify({verifySamples: 0}))
    const fromConfig = await cli('verify', '--input', setPath, '--config', configFile, '--seed', '1')
    expect(fromConfig.code, fromConfig.stderr).toBe(0)
    // With sampling off, the corrupt mirror cannot be told apart: its verdict honestly says it was not sampled.
    const statuses = (JSON.parse(fromConfig.stdout) as MirrorSet).candidates.map((candidate) => candidate.verify?.checks.some((check) => check.name === 'sample'))
    expect(statuses).toEqual([false, false, false])
    const fromFlag = await cli('verify', '--input', setPath, '--config', configFile, '--samples', '4', '--seed', '1')
    expect((JSON.parse(fromFlag.stdout) as MirrorSet).candidates.map((candidate) => candidate.verify?.status)).toEqual(['ok', 'ok', 'mismatch'])
    await writeFile(configFile, JSON.stringify({verifySamples: 'many'}))
    const broken = await cli('verify', '--input', setPath, '--config', configFile)
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain('ECONFIG')
  }, 90_000)
})
