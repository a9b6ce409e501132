// The local FTP mirror's directory listings: `ls -l` lines for LIST, names for NLST, and RFC 3659 facts for MLST and MLSD.
import {posix} from 'node:path'
import {servedPath} from './ftp-mirror-faults.js'
import type {FtpServerState} from './ftp-mirror-state.js'

/** Six months, as `ls -l` counts them: younger files show the time of day, older (or future) ones the year. */
const RECENT_MS = (365.2425 / 2) * 24 * 3600 * 1000

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** What a listing shows: the visible files (hidden reply550 paths left out), their time, and the size fault. */
export type Listing = {files: Map<string, Buffer>; modifiedAt: Date; size?: number}

type Entry = {name: string; size: number; directory: boolean}

/** A listing of the server's files as its faults shape it right now. */
export function listingOf(state: FtpServerState): Listing {
  const hidden = new Set((state.faults.reply550 ?? []).map(servedPath))
  const files = new Map([...state.files].filter(([name]) => !hidden.has(name)))
  return {files, modifiedAt: state.modifiedAt, size: state.faults.size}
}

/** A time as MDTM and the MLSx "modify" fact give it: YYYYMMDDHHMMSS in UTC. */
export function factTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** The path a LIST or NLST argument names, without the `ls` options ("-a", "-la") clients put first. */
function listedPath(argument: string): string {
  return argument.replace(/^(?:-\S*(?:\s+|$))+/, '')
}

/** What is at `path`: a file, a directory (with its entries), or nothing. Directories exist only as prefixes of file paths. */
function lookup(listing: Listing, path: string): {self: Entry; children?: Entry[]} | undefined {
  const target = servedPath(path)
  const name = posix.basename(target) || '/'
  const content = listing.files.get(target)
  if (content) return {self: {name, size: listing.size ?? content.length, directory: false}}
  const prefix = target === '/' ? '/' : `${target}/`
  const children = new Map<string, Entry>()
  for (const [file, bytes] of listing.files) {
    if (!file.startsWith(prefix)) continue
    const [first = '', ...rest] = file.slice(prefix.length).split('/')
    children.set(first, rest.length > 0 ? {name: first, size: 4096, directory: true} : {name: first, size: listing.size ?? bytes.length, directory: false})
  }
  if (children.size === 0 && target !== '/') return undefined
  return {self: {name, size: 4096, directory: true}, children: [...children.values()]}
}

/** A vsftpd-style `ls -l` date: "Jan 01 12:34" within six months, "Jan 01  2024" otherwise. */
function lsDate(date: Date, now: number): string {
  const day = `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, '0')}`
  const age = now - date.getTime()
  if (age < 0 || age >= RECENT_MS) return `${day}  ${date.getUTCFullYear()}`
  return `${day} ${date.toISOString().slice(11, 16)}`
}

function unixLine(entry: Entry, modifiedAt: Date, now: number): string {
  const mode = entry.directory ? 'drwxr-xr-x' : '-rw-r--r--'
  const links = String(entry.directory ? 2 : 1).padStart(4)
  return `${mode} ${links} ftp      ftp      ${String(entry.size).padStart(8)} ${lsDate(modifiedAt, now)} ${entry.name}`
}

function facts(entry: Entry, modifiedAt: Date): string {
  const size = entry.directory ? '' : `size=${entry.size};`
  return `type=${entry.directory ? 'dir' : 'file'};${size}modify=${factTime(modifiedAt)};`
}

/**
 * LIST and NLST over the data connection. With no path, every file with its full path (as this server always did);
 * with a path, that file's own line or a directory's entries, and nothing for a missing path, as vsftpd does.
 */
export function listLines(listing: Listing, verb: 'LIST' | 'NLST', argument: string): string[] {
  const path = listedPath(argument)
  const now = Date.now()
  let entries: Entry[]
  if (path) {
    const found = lookup(listing, path)
    entries = found?.children ?? (found ? [found.self] : [])
  } else {
    entries = [...listing.files].map(([name, content]) => ({name: name.slice(1), size: listing.size ?? content.length, directory: false}))
  }
  return entries.map((entry) => (verb === 'NLST' ? entry.name : unixLine(entry, listing.modifiedAt, now)))
}

/** MLSD over the data connection: a directory's entries as facts; "501" for a file and "550" for a missing path. */
export function mlsdLines(listing: Listing, argument: string): {lines: string[]} | {reply: string} {
  const found = lookup(listing, argument || '/')
  if (!found) return {reply: '550 No such file or directory'}
  if (!found.children) return {reply: '501 Not a directory'}
  return {lines: found.children.map((entry) => `${facts(entry, listing.modifiedAt)} ${entry.name}`)}
}

/** The control-connection reply to MLST: one fact line for the file or directory, or "550". */
export function mlstReply(listing: Listing, argument: string): string {
  const path = servedPath(argument || '/')
  const found = lookup(listing, path)
  if (!found) return '550 No such file or directory'
  return `250-Listing ${argument || '/'}\r\n ${facts(found.self, listing.modifiedAt)} ${path}\r\n250 End`
}
