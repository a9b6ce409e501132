// `mirrorkit get` with the real binary on local mirrors: the file, the JSON report of every stage, config defaults, and exit codes.
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PipelineReport} from '../../src/core/pipeline.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {errorCode, runCli} from '../helpers/run-cli.js'

const content = makeContent(1536 * 1024, 17)
let primary: HttpMirror
let corrupt: HttpMirror
let ftp: FtpMirror
let directory: string
let listPath: string
let environment: Record<string, string>

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-get-cli-'))
  primary = await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 3_000_000}})
  corrupt = await startHttpMirror({files: {'/f.bin': content}, faults: {corrupt: [{offset: 0, length: content.length}]}})
  ftp = await startFtpMirror({files: {'f.bin': content}, faults: {bytesPerSecond: 1_000_000}})
  listPath = join(directory, 'mirrors.txt')
  await writeFile(listPath, `${corrupt.url}f.bin\n${ftp.url}f.bin\n`)
  // The list comes from the config file, so the test also proves config keys reach the pipeline.
  await mkdir(join(directory, 'config', 'mirrorkit'), {recursive: true})
  await writeFile(join(directory, 'config', 'mirrorkit', 'config.json'), JSON.stringify({lists: [listPath], rankBudget: 300}))
  environment = {XDG_CONFIG_HOME: join(directory, 'config'), XDG_DATA_HOME: join(directory, 'data'), MIRRORKIT_CONFIG: ''}
})

afterAll(async () => {
  await Promise.all([primary.close(), corrupt.close(), ftp.close()])
  await rm(directory, {recursive: true, force: true})
})

describe('mirrorkit get (CLI)', () => {
  it('downloads a byte-identical file and reports every stage as JSON', async () => {
    const output = join(directory, 'got.bin')
    const run = await runCli(['get', `${primary.url}f.bin`, '-o', output, '--json', '--samples', '1'], {env: {...environment, MIRRORKIT_CONNECTIONS: '4'}, timeoutMs: 90_000})
    expect(run.code, run.stderr).toBe(0)
    expect(sha256Hex(await readFile(output))).toBe(sha256Hex(content))
    const report = JSON.parse(run.stdout) as PipelineReport
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['discover', 'verify', 'rank', 'fetch']))
    expect(report.discover.candidates.map((candidate) => candidate.foundBy[0])).toEqual(['primary', 'list', 'list'])
    expect(report.verify.candidates.find((candidate) => candidate.url.startsWith(corrupt.url))?.verify?.status).toBe('mismatch')
    expect(report.fetch.mirrors.some((mirror) => mirror.url.startsWith(corrupt.url))).toBe(false)
    expect(report.fetch.output).toBe(output)
    // The history file goes to XDG_DATA_HOME, never to the real home directory.
    await expect(readFile(join(directory, 'data', 'mirrorkit', 'host-history.json'), 'utf8')).resolves.toContain('127.0.0.1')
  }, 120_000)

  it('keeps stdout for the JSON report when it is a pipe, honours --top and --no-history', async () => {
    const output = join(directory, 'again.bin')
    const run = await runCli(['get', `${primary.url}f.bin`, '-o', output, '--no-history', '--top', '1'], {env: environment, timeoutMs: 90_000})
    expect(run.code, run.stderr).toBe(0)
    // Not a terminal: the pipe format is JSON, and the stages' notes stay off stdout.
    const report = JSON.parse(run.stdout) as PipelineReport
    expect(report.rank.candidates).toHaveLength(1)
    expect(report.fetch.mirrors).toHaveLength(1)
  }, 120_000)

  it('exits 3 (ENOMIRROR) when the file is missing everywhere, and 2 on a bad flag value', async () => {
    const missing = await runCli(['get', `${primary.url}absent.bin`, '-o', join(directory, 'x.bin'), '--source', 'headers'], {env: environment, timeoutMs: 60_000})
    expect(missing.code, missing.stderr).toBe(3)
    expect(errorCode(missing)).toBe('ENOMIRROR')
    const badChecksum = await runCli(['get', `${primary.url}f.bin`, '--checksum', 'sha256:xyz'], {env: environment})
    expect(badChecksum.code).toBe(2)
    const badConfig = join(directory, 'bad.json')
    await writeFile(badConfig, JSON.stringify({connections: 0}))
    const config = await runCli(['get', `${primary.url}f.bin`, '--config', badConfig], {env: environment})
    expect(config.code).toBe(2)
    expect(config.stderr).toMatch(/"connections" must be an integer of at least 1 \(ECONFIG\)/)
  }, 120_000)
})
