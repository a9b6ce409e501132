// Checksum files of a directory (SHA256SUMS, SHA512SUMS, CHECKSUMS), read once per directory for every file of a batch that has no checksum of its own.
import {deadlineSignal} from '../deadline-signal.js'
import {fetchBytes} from '../discovery/fetch-text.js'
import {checksumsInFile} from '../formats/checksum-files.js'
import type {Checksum} from '../model.js'
import {redactUrl} from '../redact.js'
import type {TransportSet} from '../transports.js'

const NAMES = ['SHA256SUMS', 'SHA512SUMS', 'CHECKSUMS']
const MAX_BYTES = 4 * 1024 * 1024
const REQUEST_TIMEOUT_MS = 5000

export type DirectoryReference = {checksums: Checksum[]; location: string}

/**
 * One look-up per directory URL, shared by all its files: a per-file look-up (neighbours, metalinks)
 * would cost several round trips for each of hundreds of small files.
 */
export class DirectorySums {
  private readonly directories = new Map<string, Promise<Array<{location: string; text: string}>>>()

  constructor(
    private readonly transports: TransportSet,
    private readonly signal: AbortSignal,
  ) {}

  /** The checksums a checksum file in the file's directory lists for it, or undefined. */
  async lookUp(fileUrl: string): Promise<DirectoryReference | undefined> {
    const url = new URL(fileUrl)
    url.search = ''
    url.hash = ''
    const name = decodeURIComponent(url.pathname.split('/').at(-1) ?? '')
    const directory = new URL('./', url).href
    let files = this.directories.get(directory)
    if (!files) this.directories.set(directory, (files = this.read(directory)))
    for (const file of await files) {
      const checksums = checksumsInFile(file.text, name)
      if (checksums.length > 0) return {checksums, location: redactUrl(file.location)}
    }
    return undefined
  }

  private async read(directory: string): Promise<Array<{location: string; text: string}>> {
    const found = await Promise.all(
      NAMES.map(async (name) => {
        const location = directory + name
        try {
          const signal = deadlineSignal(this.signal, REQUEST_TIMEOUT_MS)
          return {location, text: (await fetchBytes(this.transports, new URL(location), {signal, maxBytes: MAX_BYTES})).toString('utf8')}
        } catch {
          // Most directories publish none of them.
          return undefined
        }
      }),
    )
    return found.filter((file): file is {location: string; text: string} => file !== undefined)
  }
}
