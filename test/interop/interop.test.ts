// The interop tier: the shared transport contract against real daemons (nginx, vsftpd, OpenSSH sshd) that start.sh runs on loopback.
import {execFile, spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'
import {ftpTransport} from '../../src/plugins/transports/ftp.js'
import {httpTransport} from '../../src/plugins/transports/http.js'
import {sftpTransport} from '../../src/plugins/transports/sftp.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {binary, runCli} from '../helpers/run-cli.js'
import {describeTransportContract} from '../plugins/transports/contract.js'

type InteropEnv = {
  dir: string
  dataDir: string
  http: {port: number; auth: boolean}
  ftp: {port: number; tls: boolean; certificate: string}
  ssh: {port: number; user: string; identity: string; knownHosts: string}
}

const run = promisify(execFile)
const here = fileURLToPath(new URL('.', import.meta.url))
const FILE_NAME = 'interop file.bin'
const content = makeContent(512 * 1024 + 9, 77)

function installed(binary: string): boolean {
  if (existsSync(`/usr/sbin/${binary}`)) return true
  return spawnSync('sh', ['-c', `command -v ${binary}`], {stdio: 'ignore'}).status === 0
}

const missing = ['nginx', 'vsftpd', 'sshd'].filter((binary) => !installed(binary))
const reason = `interop tier skipped: ${missing.join(', ')} not installed; run test/interop/install.sh`

let started: Promise<InteropEnv> | undefined
/** Starts the daemons once for every suite in this file; the file's afterAll stops them. */
function daemons(): Promise<InteropEnv> {
  started ??= (async () => {
    const {stdout} = await run('bash', [join(here, 'start.sh')], {timeout: 60_000})
    const env = JSON.parse(await readFile(stdout.trim(), 'utf8')) as InteropEnv
    await writeFile(join(env.dataDir, FILE_NAME), content, {mode: 0o644})
    return env
  })()
  return started
}

afterAll(async () => {
  if (!started) return
  const env = await started.catch(() => undefined)
  if (env) await run('bash', [join(here, 'stop.sh'), env.dir], {timeout: 30_000})
})

if (missing.length > 0) {
  if (process.env.CI === 'true') {
    it('has the interop daemons installed (CI requires them)', () => {
      throw new Error(reason)
    })
  } else {
    console.warn(reason)
    it.skip(reason, () => {})
  }
} else {
  const encoded = encodeURIComponent(FILE_NAME)
  const noop = async () => {}

  describeTransportContract('http via nginx', async () => {
    const {http} = await daemons()
    const base = `http://127.0.0.1:${http.port}/`
    return {
      transport: httpTransport.create({}),
      fileUrl: new URL(base + encoded),
      content,
      missingUrl: new URL(`${base}missing.bin`),
      // start.sh puts the same tree behind basic auth at /private/ when openssl could make the password file.
      ...(http.auth ? {badCredentialsUrl: new URL(`http://mirrorkit:wrong@127.0.0.1:${http.port}/private/${encoded}`)} : {}),
      teardown: noop,
    }
  })

  describeTransportContract('ftp via vsftpd', async () => {
    const {ftp} = await daemons()
    const base = `ftp://127.0.0.1:${ftp.port}/`
    return {
      transport: ftpTransport.create({connectTimeout: 10_000}),
      fileUrl: new URL(base + encoded),
      content,
      missingUrl: new URL(`${base}missing.bin`),
      // vsftpd here is anonymous-only and answers any named login with 530.
      badCredentialsUrl: new URL(`ftp://someone:wrong@127.0.0.1:${ftp.port}/${encoded}`),
      teardown: noop,
    }
  })

  describeTransportContract('sftp via OpenSSH sshd', async () => {
    const {ssh, dataDir} = await daemons()
    const base = `sftp://${ssh.user}@127.0.0.1:${ssh.port}${dataDir}/`
    return {
      transport: sftpTransport.create({identity: ssh.identity, knownHosts: ssh.knownHosts, connectTimeout: 10_000}),
      fileUrl: new URL(base + encoded),
      content,
      missingUrl: new URL(`${base}missing.bin`),
      badCredentialsUrl: new URL(`sftp://nosuchuser@127.0.0.1:${ssh.port}${dataDir}/${encoded}`),
      teardown: noop,
    }
  })

  describe('interop details', () => {
    const signal = () => AbortSignal.timeout(15_000)

    it('serves nginx\'s /private/ with the right password, so the bad-credentials case fails for the password alone', async (context) => {
      const {http} = await daemons()
      if (!http.auth) return context.skip()
      const transport = httpTransport.create({})
      try {
        const info = await transport.stat(new URL(`http://mirrorkit:right@127.0.0.1:${http.port}/private/${encoded}`), {signal: signal()})
        expect(info.size).toBe(content.length)
      } finally {
        await transport.close()
      }
    })

    it('reads vsftpd modification times and REST STREAM support', async () => {
      const {ftp} = await daemons()
      const info = await ftpTransport.create({}).stat(new URL(`ftp://127.0.0.1:${ftp.port}/${encoded}`), {signal: signal()})
      expect(info.acceptsRanges).toBe(true)
      expect(Math.abs((info.modifiedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(10 * 60_000)
    })

    it('speaks explicit TLS (ftps) to vsftpd, refusing its self-signed certificate unless told to be insecure', async (context) => {
      const {ftp} = await daemons()
      if (!ftp.tls) return context.skip()
      const url = new URL(`ftps://127.0.0.1:${ftp.port}/${encoded}`)
      const refused = await ftpTransport
        .create({})
        .stat(url, {signal: signal()})
        .catch((failure: unknown) => failure)
      expect(refused).toMatchObject({code: 'ETLS', retryable: false})
      const insecure = ftpTransport.create({insecure: true})
      expect((await insecure.stat(url, {signal: signal()})).size).toBe(content.length)
      const chunks: Uint8Array[] = []
      for await (const chunk of insecure.read(url, {offset: 4321, length: 100_000}, {signal: signal()})) chunks.push(chunk)
      expect(Buffer.concat(chunks).equals(content.subarray(4321, 104_321))).toBe(true)
    })

    it('fetches one file from nginx, vsftpd and sshd at once with the CLI, checksum verified', async (context) => {
      if (!existsSync(join(binary, '..', '..', 'dist', 'commands', 'fetch.js'))) return context.skip()
      const {http, ftp, ssh, dataDir} = await daemons()
      const output = await mkdtemp(join(tmpdir(), 'mirrorkit-interop-fetch-'))
      try {
        const target = join(output, 'out.bin')
        const result = await runCli(
          [
            'fetch',
            `http://127.0.0.1:${http.port}/${encoded}`,
            `ftp://127.0.0.1:${ftp.port}/${encoded}`,
            `sftp://${ssh.user}@127.0.0.1:${ssh.port}${dataDir}/${encoded}`,
            '-o', target,
            '--identity', ssh.identity,
            '--known-hosts', ssh.knownHosts,
            '--checksum', `sha256:${sha256Hex(content)}`,
            '--piece-size', '64K',
            '--progress', 'none',
            '--json',
          ],
          {timeoutMs: 60_000},
        )
        expect(result.stderr).not.toMatch(/Error: No response|Unhandled/)
        expect(result.code).toBe(0)
        expect(sha256Hex(await readFile(target))).toBe(sha256Hex(content))
      } finally {
        await rm(output, {recursive: true, force: true})
      }
    })

    it('logs in to sshd through ssh-agent when no identity file is given', async (context) => {
      if (!installed('ssh-agent') || !installed('ssh-add')) return context.skip()
      const {ssh, dataDir, dir} = await daemons()
      const socket = join(dir, 'agent.sock')
      const {stdout} = await run('ssh-agent', ['-s', '-a', socket], {timeout: 10_000})
      const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1])
      const saved = process.env.SSH_AUTH_SOCK
      try {
        await run('ssh-add', [ssh.identity], {timeout: 10_000, env: {...process.env, SSH_AUTH_SOCK: socket}})
        process.env.SSH_AUTH_SOCK = socket
        const url = new URL(`sftp://${ssh.user}@127.0.0.1:${ssh.port}${dataDir}/${encoded}`)
        const transport = sftpTransport.create({knownHosts: ssh.knownHosts})
        expect((await transport.stat(url, {signal: signal()})).size).toBe(content.length)
        await transport.close()
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK
        else process.env.SSH_AUTH_SOCK = saved
        if (agentPid > 0) process.kill(agentPid)
      }
    })

    it('accepts sshd through a hashed known_hosts entry and refuses it when unknown', async () => {
      const {ssh, dataDir, dir} = await daemons()
      const url = new URL(`sftp://${ssh.user}@127.0.0.1:${ssh.port}${dataDir}/${encoded}`)
      const hashed = join(dir, 'known_hosts_hashed')
      await writeFile(hashed, await readFile(ssh.knownHosts))
      await run('ssh-keygen', ['-H', '-f', hashed], {timeout: 10_000})
      expect(await readFile(hashed, 'utf8')).toMatch(/^\|1\|/)
      const info = await sftpTransport.create({identity: ssh.identity, knownHosts: hashed}).stat(url, {signal: signal()})
      expect(info.size).toBe(content.length)

      const empty = join(dir, 'known_hosts_empty')
      await writeFile(empty, '')
      const error = await sftpTransport
        .create({identity: ssh.identity, knownHosts: empty})
        .stat(url, {signal: signal()})
        .catch((failure: unknown) => failure)
      expect(error).toMatchObject({code: 'EHOSTKEY', retryable: false})
      expect((error as Error).message).toContain('--accept-unknown-host-keys')
    })
  })
}
