// Opens a logged-in basic-ftp client for an ftp:// or ftps:// URL, closing it if the caller's signal aborts while it connects.
import {Client} from 'basic-ftp'
import {UsageError} from '../../core/errors.js'
import {refuseInvalidHost} from '../../core/network-errors.js'
import {redactUrl} from '../../core/redact.js'
import {trustContext} from '../../core/tls-ca.js'
import type {TransportOptions} from '../types.js'
import {ftpError} from './ftp-errors.js'
import {socketClosed} from './socket-closed.js'
import {DEFAULTS, seconds} from '../../core/defaults.js'

/** Milliseconds basic-ftp waits on a silent control connection when the user set no connect timeout. */
const DEFAULT_TIMEOUT_MS = seconds(DEFAULTS.connectTimeoutSeconds.ftp)

/** A logged-in client, its FEAT answer once someone asked for it, and its closing once it began. */
export type FtpConnection = {client: Client; features?: Map<string, string>; closing?: Promise<void>}

/**
 * Closes the client (both sockets) and resolves when they have really closed. Calling it again closes and awaits what
 * is open by then too: basic-ftp closes its sockets only the first time, yet hands a data connection that finishes
 * opening after that (an abort during EPSV/PASV) to the closed client, which would never close it.
 */
export function closeFtp(connection: FtpConnection): Promise<void> {
  const {client} = connection
  const sockets = [client.ftp.socket, client.ftp.dataSocket]
  client.close()
  // basic-ftp's setter destroys the data socket it replaces, a late one included.
  client.ftp.dataSocket = undefined
  connection.closing = Promise.all([connection.closing, ...sockets.map((socket) => socketClosed(socket))]).then(() => undefined)
  return connection.closing
}

/**
 * The remote path of `url`. As in RFC 1738 the path is relative to the login directory, so
 * "ftp://host/pub/f" asks for "pub/f" and "ftp://host/%2Fpub/f" for the absolute "/pub/f".
 */
export function ftpPath(url: URL): string {
  return decodePath(url.pathname.replace(/^\//, ''), url)
}

/** Percent-decodes a URL path, turning a malformed escape ("%zz") into a usage error rather than a URIError. */
export function decodePath(path: string, url: URL): string {
  try {
    return path
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/')
  } catch (error) {
    throw new UsageError(`malformed percent-escape in ${redactUrl(url)}`, 'EURL', error)
  }
}

export async function openFtp(url: URL, options: TransportOptions, signal: AbortSignal, during: string): Promise<FtpConnection> {
  signal.throwIfAborted()
  refuseInvalidHost(url, `ftp ${during} ${redactUrl(url)}`)
  const client = new Client(options.connectTimeout ?? DEFAULT_TIMEOUT_MS)
  const connection: FtpConnection = {client}
  // basic-ftp knows no AbortSignal: closing the client destroys its control and data sockets at once.
  const onAbort = () => void closeFtp(connection)
  signal.addEventListener('abort', onAbort, {once: true})
  try {
    await client.access({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : 21,
      user: url.username ? decodeURIComponent(url.username) : 'anonymous',
      password: url.username ? decodeURIComponent(url.password) : 'anonymous@',
      secure: url.protocol === 'ftps:',
      secureOptions: options.insecure ? {rejectUnauthorized: false} : options.ca ? {secureContext: trustContext(options.ca)} : undefined,
    })
  } catch (error) {
    await closeFtp(connection)
    if (signal.aborted) throw signal.reason
    throw ftpError(error, url, during)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  return connection
}
