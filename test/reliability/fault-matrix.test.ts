// Every fault a mirror can throw at `mirrorkit fetch`, run as the real CLI: with good mirrors beside it the file arrives intact; alone it fails with its documented exit code, leaves no output and exits by itself.
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pLimit from 'p-limit'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ExitCode} from '../../src/core/error-codes.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startFtpMirror, type FtpFaults} from '../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpFaults} from '../helpers/http-mirror.js'
import {errorCode, runCli, type CliResult} from '../helpers/run-cli.js'
import {makeSelfSignedCertificate} from '../helpers/self-signed.js'
import {startSftpMirror, type SftpFaults} from '../helpers/sftp-mirror.js'
import {until} from '../helpers/until.js'

const SIZE = 2 * 1024 * 1024
const content = makeContent(SIZE, 23)
const expected = sha256Hex(content)
/** Good mirrors are capped so the faulty one (uncapped) gets a real share of the work before it misbehaves. */
const GOOD_RATE = 1024 * 1024
const MID_RUN_BYTES = 256 * 1024
const files = {'/f.bin': content}
const buffers = {'/f.bin': Buffer.from(content)}
/** Generous: on a shared, loaded 2-core machine the CLI alone can take 15 s to start. */
const RUN_TIMEOUT_MS = 120_000
const CLI_ARGS = ['--piece-size', '64K', '--stall-timeout', '1', '--progress', 'json', '--connections', '6', '--per-mirror', '2']

type Faulty = {url: string; args?: string[]; bytesSent: () => number; midRun?: () => void; close: () => Promise<void>}
/** `start` makes the faulty mirror; `soloStart`, when given, a milder one for the run where it is alone (so a run that can finish, does). */
type Scenario = {name: string; start: () => Promise<Faulty>; soloStart?: () => Promise<Faulty>; solo: {exit: number; code?: string}}

let directory: string
let certificate: {cert: string; key: string}
const closers: Array<() => Promise<void>> = []

/**
 * `midRun` faults are switched on once 256 KiB have been served. Responses in flight are reset for half a second
 * first, so the next requests (rather than long-running ones that started before) meet the new behaviour.
 */
const http = (faults: HttpFaults, midRun?: HttpFaults, tls = false) => async (): Promise<Faulty> => {
  const mirror = await startHttpMirror({files, faults, ...(tls ? {tls: certificate} : {})})
  const switchOver = (next: HttpFaults) => {
    mirror.setFaults({...next, resetAfter: 0})
    setTimeout(() => mirror.setFaults(next), 500)
  }
  return {url: `${mirror.url}f.bin`, bytesSent: () => mirror.stats.bytesSent, close: () => mirror.close(), ...(midRun ? {midRun: () => switchOver(midRun)} : {})}
}
const ftp = (faults: FtpFaults, login?: {user: string; password: string; given: string}) => async (): Promise<Faulty> => {
  const mirror = await startFtpMirror({files: buffers, faults, ...(login ? {user: login.user, password: login.password} : {})})
  const url = login ? mirror.url.replace('ftp://', `ftp://${login.user}:${login.given}@`) : mirror.url
  return {url: `${url}f.bin`, bytesSent: () => mirror.stats.bytesSent, close: () => mirror.close()}
}
const sftp = (faults: SftpFaults, password?: {accepted: string; given: string}) => async (): Promise<Faulty> => {
  const mirror = await startSftpMirror({files: buffers, faults, ...(password ? {password: password.accepted} : {})})
  const knownHosts = join(directory, `known_hosts-${mirror.port}`)
  await writeFile(knownHosts, `${mirror.knownHostsLine}\n`)
  // Any password logs in when the mirror has none set; without one the client would try ~/.ssh keys instead.
  const url = mirror.url.replace('@', `:${password?.given ?? 'any'}@`)
  return {url: `${url}f.bin`, args: ['--known-hosts', knownHosts], bytesSent: () => mirror.stats.bytesSent, close: () => mirror.close()}
}

const scenarios: Scenario[] = [
  {name: 'http reset after 64 KiB', start: http({resetAfter: 64 * 1024}), soloStart: http({resetAfter: 512 * 1024}), solo: {exit: ExitCode.ok}},
  {name: 'http reset before any byte', start: http({resetAfter: 0}), solo: {exit: ExitCode.network, code: 'ECONNRESET'}},
  {name: 'http stall before any byte', start: http({stallAfter: 0}), solo: {exit: ExitCode.network, code: 'ETIMEDOUT'}},
  {name: 'http slow (16 KiB/s)', start: http({bandwidth: 16 * 1024}), soloStart: http({bandwidth: 512 * 1024}), solo: {exit: ExitCode.ok}},
  {name: 'http 200 for a range', start: http({ignoreRange: true}), solo: {exit: ExitCode.ok}},
  {name: 'http wrong Content-Range', start: http({wrongContentRange: true}), solo: {exit: ExitCode.network, code: 'ECONTENTRANGE'}},
  {name: 'http corrupted bytes', start: http({corrupt: [{offset: 100_000, length: 16}, {offset: 1_500_000, length: 16}]}), solo: {exit: ExitCode.integrity, code: 'EINTEGRITY'}},
  {name: 'http size change mid-run', start: http({bandwidth: 512 * 1024}, {size: SIZE - 1000, bandwidth: 512 * 1024}), solo: {exit: ExitCode.network, code: 'ECHANGED'}},
  {name: 'http 404 mid-run', start: http({bandwidth: 512 * 1024}, {status: 404}), solo: {exit: ExitCode.noMirror, code: 'ENOTFOUND'}},
  {name: 'http 429 mid-run', start: http({bandwidth: 512 * 1024}, {status: 429, retryAfter: 1}), solo: {exit: ExitCode.network, code: 'ETHROTTLED'}},
  {name: 'http 503 mid-run', start: http({bandwidth: 512 * 1024}, {status: 503, retryAfter: 1}), solo: {exit: ExitCode.network, code: 'ETHROTTLED'}},
  {name: 'http redirect loop', start: http({redirect: '/f.bin'}), solo: {exit: ExitCode.network, code: 'EREDIRECT'}},
  {name: 'http redirect to file:', start: http({redirect: 'file:///etc/passwd'}), solo: {exit: ExitCode.network, code: 'EREDIRECT'}},
  {name: 'https self-signed certificate', start: http({}, undefined, true), solo: {exit: ExitCode.network, code: 'ETLS'}},
  {name: 'ftp 421 at login', start: ftp({reply421: true}), solo: {exit: ExitCode.network, code: 'ETHROTTLED'}},
  {name: 'ftp 550 file missing', start: ftp({reply550: ['/f.bin']}), solo: {exit: ExitCode.noMirror, code: 'ENOTFOUND'}},
  {name: 'ftp data connection dropped', start: ftp({resetAfter: 0}), solo: {exit: ExitCode.network, code: 'ECONNRESET'}},
  {name: 'ftp wrong password', start: ftp({}, {user: 'alice', password: 'right', given: 'wrong'}), solo: {exit: ExitCode.network, code: 'EAUTH'}},
  {name: 'sftp disconnect mid-read', start: sftp({disconnectAfter: 64 * 1024}), soloStart: sftp({disconnectAfter: 512 * 1024}), solo: {exit: ExitCode.ok}},
  {name: 'sftp wrong password', start: sftp({}, {accepted: 'right', given: 'wrong'}), solo: {exit: ExitCode.network, code: 'EAUTH'}},
]

/** MIRRORKIT_FAULTS=regex runs only matching scenarios (while investigating one); the default runs them all. */
const selected = scenarios.filter((scenario) => new RegExp(process.env.MIRRORKIT_FAULTS ?? '.').test(scenario.name))

type Outcome = {scenario: string; mode: 'with good mirrors' | 'alone'; result: CliResult; output: string; sha256?: string}
const outcomes: Outcome[] = []

async function runScenario(scenario: Scenario, mode: Outcome['mode']): Promise<Outcome> {
  const faulty = await (mode === 'alone' ? (scenario.soloStart ?? scenario.start) : scenario.start)()
  closers.push(faulty.close)
  const urls = [faulty.url]
  if (mode === 'with good mirrors') {
    const good = await Promise.all([0, 1].map(() => startHttpMirror({files, faults: {bandwidth: GOOD_RATE}})))
    for (const mirror of good) closers.push(() => mirror.close())
    // A good primary defines the target; the faulty mirror is one of the others.
    urls.unshift(`${good[0]!.url}f.bin`)
    urls.push(`${good[1]!.url}f.bin`)
  }
  const output = join(directory, `${scenario.name.replace(/\W+/g, '-')}-${mode === 'alone' ? 'alone' : 'mixed'}.bin`)
  const checksum = scenario.name.includes('corrupt') ? ['--checksum', `sha256:${expected}`] : []
  let watching = true
  const watcher = (async () => {
    if (!faulty.midRun) return
    await until(() => !watching || faulty.bytesSent() >= MID_RUN_BYTES, 'the faulty mirror is mid-run', {timeout: RUN_TIMEOUT_MS})
    if (watching) faulty.midRun()
  })()
  const result = await runCli(['fetch', ...urls, '-o', output, ...CLI_ARGS, ...checksum, ...(faulty.args ?? [])], {timeoutMs: RUN_TIMEOUT_MS})
  watching = false
  await watcher
  const sha256 = existsSync(output) ? sha256Hex(await readFile(output)) : undefined
  return {scenario: scenario.name, mode, result, output, ...(sha256 ? {sha256} : {})}
}

function describeOutcome(outcome: Outcome): string {
  const {result} = outcome
  const how = result.timedOut ? 'TIMED OUT' : result.code === 0 ? (outcome.sha256 === expected ? 'ok, sha256 matches' : 'exit 0 but WRONG BYTES') : `exit ${result.code} ${errorCode(result) ?? result.stderr.trim().split('\n').at(-1)?.slice(0, 120) ?? ''}`.trim()
  const leaks = [...result.leaks.open, ...(result.leaks.lingering ?? []).map((name) => `${name} (lingering)`)].map((name) => name.replace(/ at .*?\((?:file:\/\/)?\/work\/main\/(?:node_modules\/)?([^:)]+)[^<]*/, ' in $1').replace(/ < .*/, ''))
  return `| ${outcome.scenario} | ${outcome.mode} | ${how} | ${(result.durationMs / 1000).toFixed(1)} s | ${leaks.length === 0 ? 'none' : leaks.join(', ')} |`
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-faults-'))
  certificate = makeSelfSignedCertificate()
  const limit = pLimit(4)
  const jobs = selected.flatMap((scenario) =>
    (['with good mirrors', 'alone'] as const).map((mode) =>
      limit(async () => {
        const outcome = await runScenario(scenario, mode)
        process.stdout.write(`${describeOutcome(outcome)}\n`)
        return outcome
      }),
    ),
  )
  outcomes.push(...(await Promise.all(jobs)))
  const table = ['| fault | mirrors | ended | wall | open at exit |', '|---|---|---|---|---|', ...outcomes.map(describeOutcome)].join('\n')
  process.stdout.write(`\nfault matrix:\n${table}\n`)
  await writeFile(join(tmpdir(), 'mirrorkit-fault-matrix.md'), `${table}\n`)
}, 1_200_000)

afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)))
  if (directory) await rm(directory, {recursive: true, force: true})
})

const find = (name: string, mode: Outcome['mode']) => outcomes.find((outcome) => outcome.scenario === name && outcome.mode === mode)!

describe.each(selected)('$name', (scenario) => {
  it('with good mirrors beside it: completes byte-identical and exits by itself', () => {
    const outcome = find(scenario.name, 'with good mirrors')
    expect(outcome.result.timedOut, outcome.result.stderr.slice(-2000)).toBe(false)
    expect(outcome.result.code, outcome.result.stderr.slice(-2000)).toBe(0)
    expect(outcome.sha256).toBe(expected)
    expect(existsSync(`${outcome.output}.part`)).toBe(false)
    expect(outcome.result.leaks.open).toEqual([])
    expect((outcome.result.leaks.lingering ?? []).filter((name) => name.startsWith('TCP') || name.includes('/dist/'))).toEqual([])
  })

  it(`alone: ends with exit ${scenario.solo.exit}${scenario.solo.code ? ` (${scenario.solo.code})` : ''}, no wrong file, and exits by itself`, () => {
    const outcome = find(scenario.name, 'alone')
    expect(outcome.result.timedOut, outcome.result.stderr.slice(-2000)).toBe(false)
    expect(outcome.result.code, outcome.result.stderr.slice(-2000)).toBe(scenario.solo.exit)
    if (scenario.solo.exit === 0) expect(outcome.sha256).toBe(expected)
    else expect(existsSync(outcome.output)).toBe(false)
    if (scenario.solo.code) expect(errorCode(outcome.result)).toBe(scenario.solo.code)
    // The error path ends with process.exit, which would hide a leak: the probe lists what was still open. A socket
    // destroyed a moment before (and a library's handshake timer tied to it) may still be closing; a timer of ours may not.
    expect(outcome.result.leaks.open.filter((name) => name.includes('/dist/'))).toEqual([])
  })
})
