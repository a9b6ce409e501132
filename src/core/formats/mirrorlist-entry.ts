// The shape every mirror-list reader returns: entries in list order with what the list says about each mirror.

export type ListEntry = {
  url: string
  /** ISO 3166 country code, lower case, when the list gives one. */
  location?: string
  /** The mirror's name in the list (Debian's Site, Gentoo's <name>, CPAN's host). */
  site?: string
  /** Whether the list says the mirror answers over IPv4 / IPv6 (Gentoo). */
  ipv4?: boolean
  ipv6?: boolean
  /** pacman Server lines: only the file name goes below them, not the whole --path. */
  appendName?: boolean
}

export type ListNote = {code: string; message: string}

export type ListReading = {entries: ListEntry[]; notes: ListNote[]}

/** A base URL always ends in "/", so the file's path is appended below it rather than beside it. */
export function asDirectory(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}
