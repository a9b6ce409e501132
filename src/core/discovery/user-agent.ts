// The User-Agent discovery sends, naming mirrorkit and its version so engine and mirror operators know who is asking.
import {readFileSync} from 'node:fs'

function packageVersion(): string {
  try {
    // Three directories up from src/core/discovery (or dist/core/discovery) is the package root.
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
    return (JSON.parse(text) as {version?: string}).version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

export const DISCOVERY_USER_AGENT = `mirrorkit/${packageVersion()} (+mirror discovery)`
