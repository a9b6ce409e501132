// Parses the single-range `Range: bytes=...` forms a local mirror answers (a-b, a-, -n).

export type ServedRange = {start: number; end: number}

/**
 * The inclusive byte span a Range header asks for, 'unsatisfiable' when it lies past the end,
 * or undefined when the header is absent, malformed or multi-range (the whole file is served then, as RFC 9110 allows).
 */
export function parseRange(header: string | undefined, size: number): ServedRange | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return undefined
  const [, first, last] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) return 'unsatisfiable'
    return {start: Math.max(0, size - suffix), end: size - 1}
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return {start, end}
}
