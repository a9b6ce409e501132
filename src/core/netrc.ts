// Reads credentials from a netrc file (curl's and ftp's format), so that URLs redacted in a pipe can still log in.
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

export type NetrcEntry = {machine?: string; login?: string; password?: string}

/** Parses netrc text: `machine`, `default`, `login`, `password`, `account` and `macdef` tokens, in any layout. */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = text.replace(/^\s*#.*$/gm, '').split(/\s+/).filter(Boolean)
  const entries: NetrcEntry[] = []
  let current: NetrcEntry | undefined
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]
    if (token === 'machine') {
      current = {machine: tokens[++index]?.toLowerCase()}
      entries.push(current)
    } else if (token === 'default') {
      current = {}
      entries.push(current)
    } else if (token === 'login' && current) current.login = tokens[++index]
    else if (token === 'password' && current) current.password = tokens[++index]
    else if (token === 'account') index++
    else if (token === 'macdef') {
      // A macro runs to the next blank line, which the token split has lost; stop reading rather than misparse.
      break
    }
  }
  return entries
}

/** The entry for `host` (and `login`, when the URL names a user); a named machine wins over `default`. */
export function findNetrcEntry(entries: readonly NetrcEntry[], host: string, login?: string): NetrcEntry | undefined {
  const matches = (entry: NetrcEntry) => entry.password !== undefined && (!login || entry.login === login)
  const hostName = host.toLowerCase().replace(/^\[|\]$/g, '')
  return entries.find((entry) => entry.machine === hostName && matches(entry)) ?? entries.find((entry) => entry.machine === undefined && matches(entry))
}

/** The entries of the user's netrc ($NETRC, else ~/.netrc); none when it does not exist or cannot be read. */
export function readUserNetrc(path = process.env.NETRC || join(homedir(), '.netrc')): NetrcEntry[] {
  try {
    return parseNetrc(readFileSync(path, 'utf8'))
  } catch {
    return []
  }
}
