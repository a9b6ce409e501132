// The safe defaults, each proved against local servers: TLS checked, SSH host keys checked, credentials never shown, redirects kept to http(s), no local file read for a remote.
import {existsSync, writeFileSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pLimit from 'p-limit'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../src/core/discovery/discover.js'
import {ExitCode} from '../../src/core/error-codes.js'
import {TransportSet} from '../../src/core/transports.js'
import {sftpTransport} from '../../src/plugins/transports/sftp.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {errorCode, runCli, type CliResult} from '../helpers/run-cli.js'
import {makeSelfSignedCertificate} from '../helpers/self-signed.js'
import {startSftpMirror, type SftpMirror} from '../helpers/sftp-mirror.js'

const SECRET = 'secretpw'
const content = makeContent(256 * 1024, 41)
const expected = sha256Hex(content)
const files = {'/f.bin': content}
const buffers = {'/f.bin': Buffer.from(content)}
const RUN = {timeoutMs: 120_000}

let directory: string
let https: HttpMirror
let plain: HttpMirror
let toFile: HttpMirror
let toFtp: HttpMirror
let hostile: HttpMirror
let ftp: FtpMirror
let ftpTarget: FtpMirror
let sftp: SftpMirror
let knownHosts: string
let wrongKnownHosts: string
let caFile: string
const results = new Map<string, CliResult>()

/** Every CLI run of this file, started together (bounded), since each costs a process start. */
function cliRuns(): Record<string, string[]> {
  const out = (name: string) => join(directory, name)
  const ftpUrl = ftp.url.replace('ftp://', `ftp://alice:${SECRET}@`) + 'f.bin'
  const ftpWrong = ftp.url.replace('ftp://', `ftp://alice:not-${SECRET}@`) + 'f.bin'
  const sftpUrl = sftp.url.replace('@', `:${SECRET}@`) + 'f.bin'
  const rankInput = join(directory, 'rank-input.json')
  writeFileSync(rankInput, JSON.stringify({version: 1, target: {name: 'f.bin', size: content.length, checksums: [], primary: ftpUrl}, candidates: [{url: ftpUrl, foundBy: ['argument']}, {url: `${plain.url}f.bin`, foundBy: ['argument']}]}))
  return {
    'tls default': ['fetch', `${https.url}f.bin`, '-o', out('tls-default.bin'), '--progress', 'json'],
    'tls insecure': ['fetch', `${https.url}f.bin`, '-o', out('tls-insecure.bin'), '--insecure', '--progress', 'json'],
    'tls --ca-certificate': ['fetch', `${https.url}f.bin`, '-o', out('tls-ca.bin'), '--ca-certificate', caFile, '--progress', 'json'],
    'tls --ca-certificate, verify': ['verify', '--primary', `${https.url}f.bin`, `${https.url}f.bin?again`, '--ca-certificate', caFile, '--json'],
    'tls --ca-certificate of a file without a certificate': ['fetch', `${https.url}f.bin`, '-o', out('tls-ca-bad.bin'), '--ca-certificate', knownHosts],
    'hostkey unknown (default known_hosts of an empty HOME)': ['fetch', sftpUrl, '-o', out('hostkey-unknown.bin'), '--progress', 'json'],
    'hostkey unknown, --accept-unknown-host-keys': ['fetch', sftpUrl, '-o', out('hostkey-accepted.bin'), '--accept-unknown-host-keys', '--progress', 'json'],
    'hostkey changed': ['fetch', sftpUrl, '-o', out('hostkey-changed.bin'), '--known-hosts', wrongKnownHosts, '--progress', 'json'],
    'hostkey known': ['fetch', sftpUrl, '-o', out('hostkey-known.bin'), '--known-hosts', knownHosts, '--progress', 'json', '--verbose'],
    'credentials: fetch ftp+sftp, json progress, --json': ['fetch', ftpUrl, sftpUrl, '-o', out('credentials.bin'), '--known-hosts', knownHosts, '--progress', 'json', '--json', '--verbose'],
    'credentials: fetch with a wrong password, --verbose': ['fetch', ftpWrong, '-o', out('wrong.bin'), '--progress', 'json', '--verbose'],
    'credentials: discover': ['discover', ftpUrl, '--json', '--verbose'],
    'credentials: verify': ['verify', '--primary', ftpUrl, sftpUrl, '--verbose'],
    'credentials: rank': ['rank', '--input', rankInput, '--verbose'],
    'redirect to file:': ['fetch', `${toFile.url}f.bin`, '-o', out('redirect-file.bin'), '--progress', 'json'],
    'redirect to ftp:': ['fetch', `${toFtp.url}f.bin`, '-o', out('redirect-ftp.bin'), '--progress', 'json'],
    'discover a hostile primary': ['discover', `${hostile.url}f.bin`, '--json'],
  }
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-security-'))
  const certificate = makeSelfSignedCertificate()
  https = await startHttpMirror({files, tls: certificate})
  // The self-signed certificate is its own authority: what a private CA's root looks like to a client.
  caFile = join(directory, 'ca.pem')
  await writeFile(caFile, certificate.cert)
  plain = await startHttpMirror({files})
  ftp = await startFtpMirror({files: buffers, user: 'alice', password: SECRET})
  sftp = await startSftpMirror({files: buffers, password: SECRET})
  const other = await startSftpMirror({files: buffers})
  knownHosts = join(directory, 'known_hosts')
  wrongKnownHosts = join(directory, 'known_hosts.wrong')
  await writeFile(knownHosts, `${sftp.knownHostsLine}\n`)
  // Same host and port, another server's key: what a man in the middle would present.
  await writeFile(wrongKnownHosts, `${sftp.knownHostsLine.split(' ')[0]} ${other.knownHostsLine.split(' ').slice(1).join(' ')}\n`)
  await other.close()
  toFile = await startHttpMirror({files, faults: {redirect: 'file:///etc/passwd'}})
  ftpTarget = await startFtpMirror({files: buffers})
  toFtp = await startHttpMirror({files, faults: {redirect: `${ftpTarget.url}f.bin`}})
  const secretFile = join(directory, 'secret.meta4')
  await writeFile(secretFile, `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.bin"><url>http://local-file-was-read.invalid/f.bin</url></file></metalink>`)
  hostile = await startHttpMirror({
    files: {
      ...files,
      '/f.bin.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.bin"><url>file:///etc/passwd</url><url>file://${secretFile}</url><url>${plain.url}f.bin</url></file></metalink>`,
    },
    perPath: {'/f.bin': {headers: {link: `<file:///etc/shadow>; rel=duplicate, <file://${secretFile}>; rel=describedby; type="application/metalink4+xml"`}}},
  })
  const home = await mkdtemp(join(tmpdir(), 'mirrorkit-home-'))
  const limit = pLimit(4)
  await Promise.all(
    Object.entries(cliRuns()).map(([name, args]) =>
      limit(async () => results.set(name, await runCli(args, {...RUN, env: {HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home}}))),
    ),
  )
  await rm(home, {recursive: true, force: true})
}, 900_000)

afterAll(async () => {
  await Promise.all([https, plain, toFile, toFtp, hostile, ftp, ftpTarget, sftp].map((server) => server?.close()))
  await rm(directory, {recursive: true, force: true})
})

const result = (name: string) => {
  const found = results.get(name)
  if (!found) throw new Error(`no run named ${name}`)
  return found
}
const why = (run: CliResult) => run.stderr.slice(-1500)

describe('TLS certificates are verified unless --insecure', () => {
  it('a self-signed certificate fails with ETLS (exit 5) and writes nothing', () => {
    const run = result('tls default')
    expect(run.code, why(run)).toBe(ExitCode.network)
    expect(errorCode(run)).toBe('ETLS')
    expect(existsSync(join(directory, 'tls-default.bin'))).toBe(false)
  })

  it('--insecure accepts it and downloads the exact bytes', async () => {
    const run = result('tls insecure')
    expect(run.code, why(run)).toBe(0)
    expect(sha256Hex(await readFile(join(directory, 'tls-insecure.bin')))).toBe(expected)
  })

  it('--ca-certificate trusts the authority in the file, with every check still on', async () => {
    const run = result('tls --ca-certificate')
    expect(run.code, why(run)).toBe(0)
    expect(sha256Hex(await readFile(join(directory, 'tls-ca.bin')))).toBe(expected)
    const verified = result('tls --ca-certificate, verify')
    expect(verified.code, why(verified)).toBe(0)
    expect(JSON.parse(verified.stdout).candidates.map((candidate: {verify?: {status: string}}) => candidate.verify?.status)).toEqual(['ok', 'ok'])
  })

  it('--ca-certificate naming a file with no certificate is a usage error (EINPUT, exit 2) that writes nothing', () => {
    const run = result('tls --ca-certificate of a file without a certificate')
    expect(run.code, why(run)).toBe(ExitCode.usage)
    expect(errorCode(run)).toBe('EINPUT')
    expect(run.stderr).toContain('no PEM certificate')
    expect(existsSync(join(directory, 'tls-ca-bad.bin'))).toBe(false)
  })
})

describe('SFTP host keys are checked against known_hosts', () => {
  it('an unknown host (default ~/.ssh/known_hosts, here an empty HOME) fails closed with EHOSTKEY', () => {
    const run = result('hostkey unknown (default known_hosts of an empty HOME)')
    expect(run.code, why(run)).toBe(ExitCode.network)
    expect(errorCode(run)).toBe('EHOSTKEY')
    expect(existsSync(join(directory, 'hostkey-unknown.bin'))).toBe(false)
  })

  it('a changed key for a known host fails with EHOSTKEY', () => {
    const run = result('hostkey changed')
    expect(run.code, why(run)).toBe(ExitCode.network)
    expect(errorCode(run)).toBe('EHOSTKEY')
  })

  it('the right known_hosts entry lets it through', async () => {
    const run = result('hostkey known')
    expect(run.code, why(run)).toBe(0)
    expect(sha256Hex(await readFile(join(directory, 'hostkey-known.bin')))).toBe(expected)
  })

  it('the opt-out flag --accept-unknown-host-keys accepts the unknown key (same empty HOME)', async () => {
    const run = result('hostkey unknown, --accept-unknown-host-keys')
    expect(run.code, why(run)).toBe(0)
    expect(sha256Hex(await readFile(join(directory, 'hostkey-accepted.bin')))).toBe(expected)
  })

  it('the library opt-out (acceptUnknownHostKeys) accepts an unknown key', async () => {
    const transport = sftpTransport.create({knownHosts: join(directory, 'missing-known-hosts'), acceptUnknownHostKeys: true})
    try {
      const info = await transport.stat(new URL(sftp.url.replace('@', `:${SECRET}@`) + 'f.bin'), {signal: AbortSignal.timeout(20_000)})
      expect(info.size).toBe(content.length)
    } finally {
      await transport.close()
    }
  })
})

describe('credentials are never printed', () => {
  const names = ['credentials: fetch ftp+sftp, json progress, --json', 'credentials: fetch with a wrong password, --verbose', 'credentials: discover', 'credentials: verify', 'credentials: rank', 'hostkey known']
  it.each(names)('%s: no password on stdout or stderr', (name) => {
    const run = result(name)
    expect(run.timedOut).toBe(false)
    expect(run.stdout + run.stderr).not.toContain(SECRET)
    // The runs did show the URLs, redacted.
    expect(run.stdout + run.stderr).toMatch(/:\*\*\*@/)
  })

  it('the runs themselves worked: fetch got the file over FTP and SFTP, the wrong password was EAUTH', async () => {
    const fetched = result('credentials: fetch ftp+sftp, json progress, --json')
    expect(fetched.code, why(fetched)).toBe(0)
    expect(sha256Hex(await readFile(join(directory, 'credentials.bin')))).toBe(expected)
    const wrong = result('credentials: fetch with a wrong password, --verbose')
    expect(wrong.code).toBe(ExitCode.network)
    expect(errorCode(wrong)).toBe('EAUTH')
  })
})

describe('redirects never leave http(s)', () => {
  it('a redirect to file:///etc/passwd is refused (EREDIRECT, exit 5) and nothing is written', () => {
    const run = result('redirect to file:')
    expect(run.code, why(run)).toBe(ExitCode.network)
    expect(errorCode(run)).toBe('EREDIRECT')
    expect(existsSync(join(directory, 'redirect-file.bin'))).toBe(false)
    expect(run.stdout + run.stderr).not.toContain('root:x:0:0')
  })

  it('a redirect to a working ftp: mirror is refused too, and that mirror is never contacted by the redirect', () => {
    const run = result('redirect to ftp:')
    expect(run.code, why(run)).toBe(ExitCode.network)
    expect(errorCode(run)).toBe('EREDIRECT')
    expect(ftpTarget.stats.connections).toBe(0)
  })
})

describe('no remote source can make mirrorkit read a local file', () => {
  it('discover drops file: mirrors from Link headers and a neighbour metalink, and never reads a describedby file:', () => {
    const run = result('discover a hostile primary')
    expect(run.code, why(run)).toBe(0)
    const set = JSON.parse(run.stdout) as {candidates: Array<{url: string}>}
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([`${hostile.url}f.bin`, `${plain.url}f.bin`])
    expect(run.stdout).not.toContain('local-file-was-read')
    // Only the warning that counts dropped schemes may name file:; no file:// URL is ever output.
    expect(run.stdout).not.toMatch(/file:\/\//)
    expect(run.stdout).toContain('unsupported schemes (file: ')
  })

  it('in-process: the same primary gives the same answer', async () => {
    const transports = new TransportSet()
    try {
      const set = await discover({argument: `${hostile.url}f.bin`, transports}, {signal: AbortSignal.timeout(20_000)})
      expect(set.candidates.map((candidate) => candidate.url)).toEqual([`${hostile.url}f.bin`, `${plain.url}f.bin`])
    } finally {
      await transports.close()
    }
  })
})
