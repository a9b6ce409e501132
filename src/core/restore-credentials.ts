// Puts known passwords back into a MirrorSet whose URLs the stages redacted, so the next stage can still log in.
import type {MirrorSet} from './model.js'
import {redactUrl} from './redact.js'

/**
 * Stages print and return MirrorSets with passwords replaced by "***"; a caller that holds the original
 * URLs (get's argument, URLs given on the command line) maps each redacted URL back to its original.
 * Only URLs the caller already knows are restored: nothing is guessed across hosts.
 */
export function restoreCredentials(set: MirrorSet, known: readonly string[]): MirrorSet {
  const originals = new Map<string, string>()
  for (const url of known) {
    const redacted = redactUrl(url)
    if (redacted !== url) originals.set(redacted, url)
  }
  if (originals.size === 0) return set
  const restore = (url: string) => originals.get(url) ?? url
  return {
    ...set,
    target: set.target.primary === undefined ? set.target : {...set.target, primary: restore(set.target.primary)},
    candidates: set.candidates.map((candidate) => ({...candidate, url: restore(candidate.url)})),
  }
}
