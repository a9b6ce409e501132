// Opens an authenticated SSH connection with an SFTP session for an sftp:// URL, checking the host key against known_hosts first.
import {readFile} from 'node:fs/promises'
import {homedir, userInfo} from 'node:os'
import type {Socket} from 'node:net'
import {join} from 'node:path'
import ssh2, {type ConnectConfig, type SFTPWrapper} from 'ssh2'
import {TransportError} from '../../core/errors.js'
import {refuseInvalidHost} from '../../core/network-errors.js'
import {redactUrl} from '../../core/redact.js'
import type {TransportOptions} from '../types.js'
import {decodePath} from './ftp-connect.js'
import {sftpError} from './sftp-errors.js'
import {checkHostKey, fingerprint, keyType, knownHostName} from './sftp-known-hosts.js'
import {socketClosed} from './socket-closed.js'
import {DEFAULTS, seconds} from '../../core/defaults.js'

/** Milliseconds to wait for the TCP connection and SSH handshake when the user set no connect timeout. */
const DEFAULT_TIMEOUT_MS = seconds(DEFAULTS.connectTimeoutSeconds.sftp)
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa']

/** An authenticated SSH connection with its SFTP channel; `closed` turns true when the connection ends for any reason. */
export type SftpConnection = {client: ssh2.Client; sftp: SFTPWrapper; closed: boolean; closing?: Promise<void>}

/** The socket under an ssh2 client: ssh2 exposes neither ref/unref nor a destroy that also ends a socket it is already ending. */
export function socketOf(client: ssh2.Client): Socket | undefined {
  return (client as unknown as {_sock?: Socket})._sock
}

/** Ends the connection at once and resolves when its socket has really closed; calling it again returns the same promise. */
export function endSftp(connection: SftpConnection): Promise<void> {
  connection.closing ??= (async () => {
    const socket = socketOf(connection.client)
    connection.client.destroy()
    // After an auth failure ssh2 half-closes its socket, and its destroy() then skips it: that socket (and ssh2's ready timer) would linger.
    socket?.destroy()
    await socketClosed(socket)
  })()
  return connection.closing
}

/** The remote path of `url`, percent-decoded; "sftp://host/~/f" is relative to the login directory. */
export function sftpPath(url: URL): string {
  const path = decodePath(url.pathname, url)
  return path.startsWith('/~/') ? path.slice(3) : path
}

/** Expands a leading "~/", which config files and docs use but the file system does not understand. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path
}

/** The local login name, as ssh uses by default; userInfo() throws for a uid without a passwd entry (common in containers). */
function localUserName(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'root'
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  return readFile(expandHome(path), 'utf8').catch(() => undefined)
}

async function privateKey(options: TransportOptions, hasPassword: boolean): Promise<string | undefined> {
  if (options.identity) {
    const key = await readOptional(options.identity)
    if (key === undefined) throw new TransportError(`sftp: cannot read identity file ${options.identity}`, 'EAUTH')
    return key
  }
  if (hasPassword) return undefined
  for (const name of DEFAULT_IDENTITIES) {
    const key = await readOptional(join(homedir(), '.ssh', name))
    if (key !== undefined) return key
  }
  return undefined
}

export async function openSftp(url: URL, options: TransportOptions, signal: AbortSignal, during: string): Promise<SftpConnection> {
  signal.throwIfAborted()
  refuseInvalidHost(url, `sftp ${during} ${redactUrl(url)}`)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = url.port ? Number(url.port) : 22
  const password = url.password ? decodeURIComponent(url.password) : undefined
  const knownHostsPath = options.knownHosts ?? join(homedir(), '.ssh', 'known_hosts')
  const knownHosts = options.acceptUnknownHostKeys ? '' : ((await readOptional(knownHostsPath)) ?? '')
  let hostKeyProblem: TransportError | undefined
  const config: ConnectConfig = {
    host,
    port,
    username: url.username ? decodeURIComponent(url.username) : localUserName(),
    password,
    privateKey: await privateKey(options, password !== undefined),
    agent: process.env.SSH_AUTH_SOCK || undefined,
    readyTimeout: options.connectTimeout ?? DEFAULT_TIMEOUT_MS,
    hostVerifier: (key: Buffer) => {
      if (options.acceptUnknownHostKeys) return true
      const status = checkHostKey(knownHosts, host, port, key)
      if (status === 'known') return true
      const described = `${keyType(key)} ${fingerprint(key)}`
      const what = status === 'unknown' ? `is not in ${knownHostsPath}` : status === 'changed' ? `CHANGED from the one in ${knownHostsPath} (possible man-in-the-middle)` : `is marked @revoked in ${knownHostsPath}`
      hostKeyProblem = new TransportError(
        `sftp ${knownHostName(host, port)}: host key ${described} ${what}; add it to known_hosts (ssh-keyscan -p ${port} ${host}) or pass --accept-unknown-host-keys`,
        'EHOSTKEY',
      )
      return false
    },
  }
  const client = new ssh2.Client()
  // Always heard: ssh2 can emit a second error (e.g. "connection lost" after a timeout), and an unheard one would crash the process.
  // Errors after the handshake surface through the pending SFTP requests, which fail when the channel closes.
  client.on('error', () => {})
  const connection: SftpConnection = {client, sftp: undefined as unknown as SFTPWrapper, closed: false}
  client.once('close', () => (connection.closed = true))
  const onAbort = () => void endSftp(connection)
  signal.addEventListener('abort', onAbort, {once: true})
  try {
    connection.sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
      client.once('error', reject)
      client.once('close', () => reject(signal.aborted ? signal.reason : new Error('connection closed before SFTP was ready')))
      client.once('ready', () => client.sftp((error, session) => (error ? reject(error) : resolve(session))))
      // Nagle held ssh2's small handshake writes back for a delayed ACK: 80 ms to log in to a local sshd with it, 40 ms without.
      client.once('connect', () => client.setNoDelay(true))
      client.connect(config)
    })
    return connection
  } catch (error) {
    await endSftp(connection)
    if (signal.aborted) throw signal.reason
    throw hostKeyProblem ?? sftpError(error, url, during)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
