/**
 * Building a verifiable presentation as a JWT, signed by the holder's DID, that binds the
 * verifier's challenge (`nonce`) and domain (`aud`) and carries its `presentation_submission`.
 *
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/#presentation-submission
 * @see https://www.w3.org/TR/vc-data-model/#json-web-token
 */
import type { DecodedCredential } from '../credentials/jwt.js'
import type { VeramoAgent } from '../veramo.js'
import type { PresentationDefinition } from './definition.js'
import { PresentationUnsatisfiableError } from './errors.js'
import { evaluateCredentials, type PresentationSubmission } from './submission.js'

export type { PresentationSubmission } from './submission.js'

/** What {@link buildPresentation} needs. */
export interface BuildPresentationInput {
  /** One of this agent's DIDs, the subject of every credential; it signs the presentation. */
  holder: string
  definition: PresentationDefinition
  /** The credentials chosen to answer the definition, in the order they are embedded. */
  credentials: readonly DecodedCredential[]
  /** The verifier's `options.challenge`; it becomes the JWT's `nonce`. */
  challenge: string
  /** The verifier's `options.domain`; it becomes the JWT's `aud`. */
  domain: string
  /** The presentation's issuance time (`nbf`); defaults to the current time. */
  now?: Date
}

/** A signed presentation and the submission it embeds. */
export interface BuiltPresentation {
  /** The compact JWT, with `presentation_submission` inside its `vp` claim. */
  jwt: string
  presentation_submission: PresentationSubmission
}

/**
 * Signs a presentation of the chosen credentials in answer to a definition.
 *
 * @throws PresentationUnsatisfiableError (`ERR_PRESENTATION_UNSATISFIABLE`) when the chosen
 *   credentials do not satisfy the definition.
 */
export async function buildPresentation(
  veramo: VeramoAgent,
  input: BuildPresentationInput,
): Promise<BuiltPresentation> {
  const jwts = input.credentials.map((credential) => credential.jwt)

  const evaluation = evaluateCredentials(input.definition, jwts, input.holder)
  if (evaluation.submission === undefined) {
    throw new PresentationUnsatisfiableError(
      `the chosen credentials do not satisfy the definition: ${evaluation.problems.join('; ')}`,
    )
  }
  const submission = evaluation.submission

  const signed = await veramo.createVerifiablePresentation({
    presentation: {
      holder: input.holder,
      verifiableCredential: jwts,
      presentation_submission: submission,
    },
    proofFormat: 'jwt',
    challenge: input.challenge,
    domain: input.domain,
    now: input.now ?? new Date(),
  })

  return { jwt: signed.proof.jwt as string, presentation_submission: submission }
}
