// Reads Debian's Mirrors.masterlist (as choose-mirror does): one stanza per Site, archive roots in Archive-http/https/ftp.
import {asDirectory, type ListEntry, type ListReading} from './mirrorlist-entry.js'

const ARCHIVE_FIELDS = [['Archive-https', 'https'], ['Archive-http', 'http'], ['Archive-ftp', 'ftp']] as const

export function isDebianMasterlist(text: string): boolean {
  return /^Site:[ \t]*\S/m.test(text) && /^Archive-(http|https|ftp):/m.test(text)
}

/** RFC 822-style stanzas separated by blank lines; a field may repeat (Sponsor), the first value of each is kept. */
function stanzas(text: string): Map<string, string>[] {
  const found: Map<string, string>[] = []
  for (const block of text.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = new Map<string, string>()
    for (const line of block.split(/\r?\n/)) {
      const field = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line)
      if (field && !fields.has(field[1]!)) fields.set(field[1]!, field[2]!.trim())
    }
    if (fields.size > 0) found.push(fields)
  }
  return found
}

/** https before http before ftp for each site, with its country ("DE Germany" -> "de"); stanzas without an archive are skipped. */
export function readDebianMasterlist(text: string): ListReading {
  const entries: ListEntry[] = []
  let withoutArchive = 0
  for (const fields of stanzas(text)) {
    const site = fields.get('Site')
    if (!site) continue
    const country = /^([A-Za-z]{2})\b/.exec(fields.get('Country') ?? '')?.[1]?.toLowerCase()
    let archives = 0
    for (const [field, scheme] of ARCHIVE_FIELDS) {
      const path = fields.get(field)
      if (path === undefined) continue
      archives++
      entries.push({url: asDirectory(`${scheme}://${site}/${path.replace(/^\/+/, '')}`), site, ...(country ? {location: country} : {})})
    }
    if (archives === 0) withoutArchive++
  }
  const notes = withoutArchive > 0 ? [{code: 'ELIST', message: `${withoutArchive} site(s) without an Archive-http/https/ftp field were skipped`}] : []
  return {entries, notes}
}
