// Turns the checks made on one mirror into a verdict: ok, mismatch, stale, unreachable or unverified, with a one-line summary.
import type {Check, ErrorInfo, Verdict} from '../model.js'

/** Checks that compare content (or its size); a matching name alone proves nothing about the bytes. */
const CONTENT_CHECKS = new Set<Check['name']>(['size', 'digest', 'sample', 'pieces', 'full'])

export type VerdictInput = {
  checks: Check[]
  /** Why a check could not be made, e.g. "no range support": said in the summary so "ok" is never overstated. */
  notes: string[]
  error?: ErrorInfo
  /** A passing 'alternate' check: the differences are those of an older version the target accepts. */
  stale?: Check
  size?: number
  modifiedAt?: Date
  finalUrl?: string
}

function describe(check: Check): string {
  if (check.ok) return check.detail ?? `${check.name} ok`
  const what = check.detail ?? `${check.name} differs`
  return check.expected === undefined ? what : `${what}: expected ${check.expected}, found ${check.found ?? '-'}`
}

export function decideVerdict(input: VerdictInput): Verdict {
  const {notes, error, stale} = input
  const checks = stale ? [...input.checks, stale] : input.checks
  const failed = checks.filter((check) => !check.ok)
  const compared = checks.some((check) => check.ok && CONTENT_CHECKS.has(check.name))
  let status: Verdict['status']
  let summary: string
  if (failed.length > 0 && stale) {
    status = 'stale'
    summary = `stale: ${describe(stale)}; ${failed.map(describe).join('; ')}`
  } else if (failed.length > 0) {
    status = 'mismatch'
    summary = failed.map(describe).join('; ')
  } else if (error) {
    status = 'unreachable'
    summary = `unreachable: ${error.message} (${error.code})`
  } else if (compared) {
    status = 'ok'
    summary = checks.map(describe).join('; ')
  } else {
    status = 'unverified'
    summary = 'nothing could be compared'
  }
  if (notes.length > 0) summary += ` (${notes.join('; ')})`
  const verdict: Verdict = {status, checks, checkedAt: new Date().toISOString(), summary}
  if (input.size !== undefined) verdict.size = input.size
  if (input.modifiedAt !== undefined && !Number.isNaN(input.modifiedAt.getTime())) verdict.modifiedAt = input.modifiedAt.toISOString()
  if (input.finalUrl !== undefined) verdict.finalUrl = input.finalUrl
  if (error) verdict.error = error
  return verdict
}
