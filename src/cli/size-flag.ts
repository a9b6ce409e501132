// Byte sizes on the command line: "1048576", "64K", "1M", "1.5MiB", "2G" (binary multiples).
import {Flags} from '@oclif/core'

const MULTIPLIERS: Record<string, number> = {'': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4}

export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text)
  if (!match) throw new Error(`expected a size such as 65536, 64K, 1M or 1.5G, got ${JSON.stringify(text)}`)
  const value = Math.round(Number(match[1]) * MULTIPLIERS[match[2]!.toLowerCase()]!)
  if (!Number.isSafeInteger(value)) throw new Error(`size ${text} is too large`)
  return value
}

/** An oclif flag holding a byte count. */
export const sizeFlag = Flags.custom<number>({parse: async (input) => parseSize(input)})
