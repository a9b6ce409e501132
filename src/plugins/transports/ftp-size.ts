// A file's size for stat: SIZE, or on a server that does not implement SIZE, MLST when FEAT lists it, else a LIST of the path.
import {FTPError, type Client, type FileInfo} from 'basic-ftp'
import {TransportError} from '../../core/errors.js'
import {redactUrl} from '../../core/redact.js'
import {ftpNotFound} from './ftp-errors.js'

/** The size, the command that gave it, and the modification time a machine-readable listing gave with it. */
export type FtpSize = {size: number; source: 'SIZE' | 'MLST' | 'LIST'; modifiedAt?: Date}

/** "500", "502" or "504": the server does not know the command (or not with that argument); "550" is about the file. */
export function notImplemented(error: unknown): boolean {
  return error instanceof FTPError && (error.code === 500 || error.code === 502 || error.code === 504)
}

/**
 * The size of the file at `path`. Only a SIZE the server does not implement falls back, so "550" stays "no such file".
 * A listing that shows no such entry, or a directory, is the same ENOTFOUND; a size that is not a non-negative
 * integer is EFTP. Both are thrown only after the server's complete answer, so the connection stays usable.
 */
export async function ftpSize(client: Client, features: Map<string, string>, path: string, url: URL): Promise<FtpSize> {
  try {
    return {size: checkedSize(await client.size(path), 'SIZE', url), source: 'SIZE'}
  } catch (error) {
    if (!notImplemented(error)) throw error
  }
  if ([...features.keys()].some((name) => name.toUpperCase() === 'MLST')) {
    const reply = await client.send(`MLST ${await client.protectWhitespace(path)}`).catch((error: unknown) => {
      if (notImplemented(error)) return undefined
      throw error
    })
    if (reply) return fromMlst(reply.message, url)
  }
  const entries = await client.list(path).catch((error: unknown) => {
    // basic-ftp throws a plain Error, after the listing arrived in full, when it cannot parse a line (a size like "-1").
    if (error instanceof FTPError || !/directory listing/i.test(String((error as Error)?.message))) throw error
    throw unusable(url, 'LIST', 'is in a format mirrorkit cannot read (no size to take)', error)
  })
  return fromList(entries, path, url)
}

/** The fact line of an MLST reply ("250-Listing f\n type=file;size=42;modify=20240101000000; /f\n250 End"), read per RFC 3659 7.2. */
function fromMlst(message: string, url: URL): FtpSize {
  const inner = message.split('\n').slice(1, -1)
  const line = inner.find((text) => text.startsWith(' ')) ?? inner[0]
  if (line === undefined) throw unusable(url, 'MLST', 'has no fact line')
  const body = line.replace(/^ /, '')
  const space = body.indexOf(' ')
  const facts = new Map<string, string>()
  for (const fact of (space < 0 ? body : body.slice(0, space)).split(';')) {
    const equals = fact.indexOf('=')
    if (equals > 0) facts.set(fact.slice(0, equals).toLowerCase(), fact.slice(equals + 1))
  }
  const type = facts.get('type')?.toLowerCase() ?? 'file'
  if (type === 'dir' || type === 'cdir' || type === 'pdir') throw ftpNotFound(url, 'stat', 'MLST shows a directory')
  if (type.startsWith('os.unix=slink') || type === 'os.unix=symlink') throw unusable(url, 'MLST', 'shows a symbolic link, not its target')
  return {size: checkedSize(facts.get('size'), 'MLST', url), source: 'MLST', modifiedAt: factDate(facts.get('modify'))}
}

/** The listed entry for `path`, which must be a file with a usable size. */
function fromList(entries: FileInfo[], path: string, url: URL): FtpSize {
  const entry = listedEntry(entries, path)
  if (!entry) throw ftpNotFound(url, 'stat', 'not in the LIST reply')
  if (entry.isDirectory) throw ftpNotFound(url, 'stat', 'LIST shows a directory')
  if (entry.isSymbolicLink) throw unusable(url, 'LIST', `shows a symbolic link${entry.link ? ` to ${entry.link}` : ''}, not its target's size`)
  const listedAt = entry.modifiedAt
  return {size: checkedSize(entry.size, 'LIST', url), source: 'LIST', modifiedAt: listedAt && !Number.isNaN(listedAt.getTime()) ? listedAt : undefined}
}

/** The entry naming `path`: servers list a file by its base name (vsftpd) or by the path as asked (ProFTPD). */
function listedEntry(entries: FileInfo[], path: string): FileInfo | undefined {
  const bare = (name: string) => name.replace(/^(?:\.?\/)+/, '')
  const wanted = bare(path)
  const base = wanted.slice(wanted.lastIndexOf('/') + 1)
  if (!base) return undefined
  return entries.find((entry) => bare(entry.name) === wanted) ?? entries.find((entry) => entry.name === base)
}

/** `value` when it is a non-negative safe integer (a string must be plain digits); otherwise a clear EFTP. */
function checkedSize(value: number | string | undefined, source: FtpSize['source'], url: URL): number {
  const size = typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : Number.NaN) : (value ?? Number.NaN)
  if (Number.isSafeInteger(size) && size >= 0) return size
  throw unusable(url, source, `gives no usable size (${value === undefined ? 'none' : String(value)})`)
}

/** An RFC 3659 time value, YYYYMMDDHHMMSS[.sss] in UTC; undefined when absent or malformed. */
function factDate(value: string | undefined): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3})\d*)?$/.exec(value ?? '')
  if (!parts) return undefined
  const [year, month, day, hours, minutes, seconds] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, Number((parts[7] ?? '').padEnd(3, '0'))))
  return Number.isNaN(date.getTime()) ? undefined : date
}

function unusable(url: URL, source: FtpSize['source'], what: string, cause?: unknown): TransportError {
  return new TransportError(`ftp stat ${redactUrl(url)}: the server's ${source} reply ${what}`, 'EFTP', {cause})
}
