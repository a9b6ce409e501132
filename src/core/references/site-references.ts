// The reference hashes one server publishes for a file: digest headers, describedby metalinks, and checksum files beside the file or in its directory.
import type {RemoteInfo} from '../../plugins/types.js'
import {linkRelations} from '../discovery/link-relations.js'
import {checksumsInFile} from '../formats/checksum-files.js'
import type {Checksum} from '../model.js'
import {redactUrl} from '../redact.js'
import type {ReferenceSource, Sighting} from './reference.js'
import {checkClearsigned, checkDetached, isClearsigned, type Keyring, type SignatureCheck} from './signature.js'

/** Reads a small file; undefined when it is missing or unreadable (absent neighbours are normal). */
export type SmallFetch = (url: string, signal: AbortSignal) => Promise<Buffer | undefined>

export type Site = {url: string; info?: RemoteInfo; primary: boolean}

/** A checksum file that lists the target but was not used: its signature is missing, or does not verify with the keyring. */
export type Refusal = {location: string; reason: 'unsigned' | 'bad-signature'; detail: string}

export type SiteFindings = {sightings: Sighting[]; refusals: Refusal[]}

/** Files beside the target and in its directory that may list its hash, as publishers name them. */
export function neighbourFiles(fileUrl: string): {metalinks: string[]; checksumFiles: string[]} {
  const url = new URL(fileUrl)
  url.search = ''
  url.hash = ''
  const directory = new URL('./', url).href
  return {
    metalinks: [`${url.href}.meta4`],
    checksumFiles: [`${url.href}.sha256`, `${url.href}.sha512`, `${url.href}.md5`, ...['SHA256SUMS', 'SHA512SUMS', 'CHECKSUMS'].map((name) => directory + name)],
  }
}

/** Where a checksum file's detached signature is published, most common first. */
export const SIGNATURE_SUFFIXES = ['.gpg', '.sign', '.asc', '.sig']

function lastSegment(text: string): string | undefined {
  const segment = new URL(text).pathname.split('/').filter(Boolean).at(-1)
  if (segment === undefined) return undefined
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Names a checksum file may list the target under: the final URL's, the asked URL's, and the server's own. */
function namesOf(site: Site): string[] {
  const names = [site.info?.finalUrl, site.url].filter((url): url is string => url !== undefined).map(lastSegment)
  return [...new Set([...names, site.info?.name].filter((name): name is string => Boolean(name)))]
}

export async function referencesAt(site: Site, fetch: SmallFetch, keyring: Keyring | undefined, signal: AbortSignal): Promise<SiteFindings> {
  const findings: SiteFindings = {sightings: [], refusals: []}
  const base = site.info?.finalUrl ?? site.url
  const host = new URL(base).host
  const see = (checksums: readonly Checksum[], source: ReferenceSource, location: string) => {
    for (const checksum of checksums) findings.sightings.push({checksum, source, location: redactUrl(location), site: host, primary: site.primary})
  }
  const names = namesOf(site)
  if (site.info) see(site.info.digests, 'headers', base)
  const {metalinks, checksumFiles} = neighbourFiles(base)
  const describedBy = site.info ? linkRelations(site.info.links, base).describedBy.slice(0, 3) : []
  await Promise.all([
    ...[...describedBy, ...metalinks].map(async (location) => {
      const bytes = await fetch(location, signal)
      if (bytes) see(await metalinkChecksums(bytes.toString('utf8'), names), 'metalink', location)
    }),
    ...checksumFiles.map(async (location) => {
      const bytes = await fetch(location, signal)
      if (!bytes) return
      const text = bytes.toString('utf8')
      const listed = listedChecksums(text, names)
      if (listed.length === 0) return
      if (!keyring) return see(listed, 'checksum-file', location)
      const signed = await signedText(location, bytes, text, keyring, fetch, signal)
      if (signed.ok) see(listedChecksums(signed.text, names), 'signed-checksum-file', location)
      else findings.refusals.push({location: redactUrl(signed.location), reason: signed.reason === 'missing' ? 'unsigned' : 'bad-signature', detail: signed.detail})
    }),
  ])
  return findings
}

function listedChecksums(text: string, names: readonly string[]): Checksum[] {
  for (const name of names) {
    const found = checksumsInFile(text, name)
    if (found.length > 0) return found
  }
  return []
}

/** Loaded only when a metalink is found: its XML parser (cheerio) would otherwise slow every download's start. */
async function metalinkChecksums(text: string, names: readonly string[]): Promise<Checksum[]> {
  const {metalinkFileFor, parseMetalink} = await import('../formats/metalink-parse.js')
  try {
    const document = parseMetalink(text)
    return metalinkFileFor(document, names[0])?.checksums ?? []
  } catch {
    // A broken metalink is no reference; discover reports it, the download need not.
    return []
  }
}

type Signed = {ok: true; text: string} | {ok: false; reason: 'missing' | 'bad'; location: string; detail: string}

/** The checksum file's text as signed: clearsigned in itself, or by the first detached signature published beside it. */
async function signedText(location: string, bytes: Buffer, text: string, keyring: Keyring, fetch: SmallFetch, signal: AbortSignal): Promise<Signed> {
  if (isClearsigned(text)) {
    const check = await checkClearsigned(keyring, text)
    return check.ok ? {ok: true, text: check.text!} : {ok: false, reason: 'bad', location, detail: check.reason}
  }
  const signatures = await Promise.all(SIGNATURE_SUFFIXES.map(async (suffix) => ({location: location + suffix, bytes: await fetch(location + suffix, signal)})))
  const found = signatures.find((signature) => signature.bytes !== undefined)
  if (!found) return {ok: false, reason: 'missing', location, detail: `no ${SIGNATURE_SUFFIXES.join(', ')} signature beside it`}
  const check: SignatureCheck = await checkDetached(keyring, bytes, found.bytes!)
  return check.ok ? {ok: true, text} : {ok: false, reason: 'bad', location: found.location, detail: check.reason}
}
