// Decides who to convict for a piece that failed its hash: a sole sender at once, mixed senders only on evidence that a proven liar does not explain.

/** A bad piece a mirror sent part of, and the other mirrors that sent the rest. */
export type Suspicion = {piece: number; partners: number[]}

export type Verdicts = {convict: number[]; suspect: number[]}

/**
 * `contributors` sent the bad piece. A proven liar among them explains it, so the others stay clean:
 * an honest mirror whose link was cut, stolen from or hedged against a liar must not pay for it.
 * Otherwise each becomes a suspect, and is convicted once two suspicions with different partners
 * (none of them a proven liar) point at it, since always-the-same partner cannot tell the two apart.
 */
export function judgeBadPiece(
  piece: number,
  contributors: readonly number[],
  isProvenLiar: (mirror: number) => boolean,
  suspicionsOf: (mirror: number) => readonly Suspicion[],
): Verdicts {
  if (contributors.length === 1) return {convict: [...contributors], suspect: []}
  if (contributors.some(isProvenLiar)) return {convict: [], suspect: []}
  const convict: number[] = []
  for (const mirror of contributors) {
    const partners = contributors.filter((other) => other !== mirror)
    const standing = [...suspicionsOf(mirror), {piece, partners}].filter((suspicion) => !suspicion.partners.some(isProvenLiar))
    const partnerSets = new Set(standing.map((suspicion) => [...suspicion.partners].sort((a, b) => a - b).join(',')))
    if (standing.length >= 2 && partnerSets.size >= 2) convict.push(mirror)
  }
  return {convict, suspect: [...contributors]}
}
