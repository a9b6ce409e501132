// Collects the URLs sources find: normalises them, drops unusable schemes (counted per source), and merges duplicates.
import type {Candidate, CandidateFacts, Warning} from '../model.js'
import {normaliseUrl} from './normalise-url.js'

type Dropped = {malformed: number; schemes: Map<string, number>}

export class CandidateCollector {
  private readonly byUrl = new Map<string, Candidate & {order: number}>()
  private readonly dropped = new Map<string, Dropped>()

  /** Adds or merges one URL; false when it was dropped. */
  add(found: CandidateFacts & {url: string}, foundBy: string): boolean {
    const normalised = normaliseUrl(found.url)
    if (!normalised.ok) {
      const source = foundBy.split(':')[0]!
      const dropped = this.dropped.get(source) ?? {malformed: 0, schemes: new Map()}
      this.dropped.set(source, dropped)
      if (normalised.reason === 'malformed') dropped.malformed++
      else dropped.schemes.set(normalised.scheme ?? '?', (dropped.schemes.get(normalised.scheme ?? '?') ?? 0) + 1)
      return false
    }
    const existing = this.byUrl.get(normalised.url)
    if (!existing) {
      const candidate: Candidate & {order: number} = {url: normalised.url, foundBy: [foundBy], order: this.byUrl.size}
      if (found.priority !== undefined) candidate.priority = found.priority
      if (found.location !== undefined) candidate.location = found.location
      if (found.maxConnections !== undefined) candidate.maxConnections = found.maxConnections
      if (found.site !== undefined) candidate.site = found.site
      if (found.ipv4 !== undefined) candidate.ipv4 = found.ipv4
      if (found.ipv6 !== undefined) candidate.ipv6 = found.ipv6
      this.byUrl.set(normalised.url, candidate)
      return true
    }
    if (!existing.foundBy.includes(foundBy)) existing.foundBy.push(foundBy)
    if (found.priority !== undefined && (existing.priority === undefined || found.priority < existing.priority)) {
      existing.priority = found.priority
    }
    if (found.location !== undefined) existing.location ??= found.location
    if (found.site !== undefined) existing.site ??= found.site
    // The strictest cap wins: a publisher's limit is about the server, whoever reported it.
    if (found.maxConnections !== undefined) existing.maxConnections = Math.min(existing.maxConnections ?? Number.POSITIVE_INFINITY, found.maxConnections)
    return true
  }

  get size(): number {
    return this.byUrl.size
  }

  /** The primary first, then by priority (lower first, none last), then in the order found. */
  candidates(limit = Number.POSITIVE_INFINITY): Candidate[] {
    const rank = (candidate: Candidate) => (candidate.foundBy.includes('primary') ? -1 : (candidate.priority ?? 1_000_000))
    return [...this.byUrl.values()]
      .sort((a, b) => rank(a) - rank(b) || a.order - b.order)
      .slice(0, limit)
      .map(({order: _order, ...candidate}) => candidate)
  }

  /** One warning per source that had URLs dropped, with counts by reason. */
  warnings(): Warning[] {
    const warnings: Warning[] = []
    for (const [source, dropped] of this.dropped) {
      if (dropped.schemes.size > 0) {
        const counts = [...dropped.schemes].map(([scheme, count]) => `${scheme}: ${count}`).join(', ')
        const total = [...dropped.schemes.values()].reduce((sum, count) => sum + count, 0)
        warnings.push({source, code: 'ESCHEME', message: `dropped ${total} URL(s) with unsupported schemes (${counts})`})
      }
      if (dropped.malformed > 0) {
        warnings.push({source, code: 'EURL', message: `dropped ${dropped.malformed} malformed URL(s)`})
      }
    }
    return warnings
  }
}
