/**
 * The challenge (`options.challenge`) and domain (`options.domain`) of a presentation request,
 * which the presentation must bind as its `nonce` and `aud`.
 *
 * Single use is the request record's job: a thread accepts one presentation, and its challenge
 * is never issued again. These functions make and compare the values.
 *
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/#json-web-token-jwt
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'

/** A fresh challenge: 32 random bytes, base64url. */
export function createChallenge(): string {
  return randomBytes(32).toString('base64url')
}

/** Whether a presented value is exactly the expected one, compared in constant time. */
export function challengeMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false

  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(presented, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
