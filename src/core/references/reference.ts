// What a whole-file reference hash is, where it was seen, and which of the values found to trust.
import {HASH_ALGORITHMS, type Checksum} from '../model.js'

/**
 * Where a reference came from, most trusted first: the user's --checksum, a checksum file whose
 * signature the user's keyring verified, the primary's own headers or metalink, a checksum file or
 * MirrorSet value nobody signed, and last a value that two independent mirrors publish alike.
 */
export type ReferenceSource = 'user' | 'signed-checksum-file' | 'headers' | 'metalink' | 'checksum-file' | 'mirror-set' | 'mirrors-agree'

const TRUST: Record<ReferenceSource, number> = {
  user: 0,
  'signed-checksum-file': 1,
  headers: 2,
  metalink: 2,
  'checksum-file': 3,
  'mirror-set': 3,
  'mirrors-agree': 4,
}

/** The reference a download is checked against, and where it came from (a URL, or "--checksum"). */
export type Reference = {checksum: Checksum; source: ReferenceSource; location: string}

/** One value seen somewhere: `site` is the host that published it; `primary` whether that is the primary's server. */
export type Sighting = Reference & {site: string; primary: boolean}

function rank(sighting: Sighting): [number, number] {
  return [TRUST[sighting.source], HASH_ALGORITHMS.indexOf(sighting.checksum.algorithm)]
}

/**
 * The most trusted value: the user's or a signed one from anywhere, else the primary's best, else a
 * value at least two different secondary hosts publish (one mirror's word alone could be its own
 * corruption, or a lie); equal trust goes to the stronger algorithm, then to the first seen.
 */
export function chooseReference(sightings: readonly Sighting[]): Reference | undefined {
  const trusted = sightings.filter((sighting) => sighting.primary || TRUST[sighting.source] <= TRUST['signed-checksum-file'])
  const best = [...trusted].sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1])[0]
  if (best) return {checksum: best.checksum, source: best.source, location: best.location}
  return agreedBySecondaries(sightings)
}

function agreedBySecondaries(sightings: readonly Sighting[]): Reference | undefined {
  const sites = new Map<string, Sighting[]>()
  for (const sighting of sightings) {
    const key = `${sighting.checksum.algorithm}:${sighting.checksum.hex.toLowerCase()}`
    sites.set(key, [...(sites.get(key) ?? []), sighting])
  }
  const agreed = [...sites.values()]
    .filter((group) => new Set(group.map((sighting) => sighting.site)).size >= 2)
    .sort((a, b) => HASH_ALGORITHMS.indexOf(a[0]!.checksum.algorithm) - HASH_ALGORITHMS.indexOf(b[0]!.checksum.algorithm))[0]
  if (!agreed) return undefined
  const hosts = [...new Set(agreed.map((sighting) => sighting.site))]
  return {checksum: agreed[0]!.checksum, source: 'mirrors-agree', location: hosts.join(', ')}
}

/** A value the user typed, as a reference. */
export function userReference(checksum: Checksum): Reference {
  return {checksum, source: 'user', location: '--checksum'}
}

/** One line for the summary: "sha256 from SHA256SUMS (signed) at https://…". */
export function describeReference(reference: Reference): string {
  const what: Record<ReferenceSource, string> = {
    user: 'given with --checksum',
    'signed-checksum-file': `from a signed checksum file, ${reference.location}`,
    headers: `from the primary's digest headers, ${reference.location}`,
    metalink: `from the primary's metalink, ${reference.location}`,
    'checksum-file': `from an unsigned checksum file, ${reference.location}`,
    'mirror-set': 'from the MirrorSet',
    'mirrors-agree': `published alike by ${reference.location}`,
  }
  return `${reference.checksum.algorithm} ${what[reference.source]}`
}
