// mirrorkit's own version, read once from package.json, for User-Agent headers and generated documents.
import {readFileSync} from 'node:fs'

function packageVersion(): string {
  try {
    // Two directories up from src/core (or dist/core) is the package root.
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    return (JSON.parse(text) as {version?: string}).version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

export const MIRRORKIT_VERSION = packageVersion()

/** The User-Agent of every request, so mirror operators know who is asking. */
export const USER_AGENT = `mirrorkit/${MIRRORKIT_VERSION}`
