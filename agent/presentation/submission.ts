/**
 * Evaluating a `presentation_submission` against a presentation definition with
 * `@sphereon/pex`, for JWT presentations (what Parley verifies) and for presentations in the
 * data model's JSON form (what other agents' fixtures carry, evaluated without their proofs).
 *
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/#presentation-submission
 */
import { PEX } from '@sphereon/pex'

import { isRecord } from '../credentials/jwt.js'
import { forEvaluation, type PresentationDefinition } from './definition.js'

/** A DIF `presentation_submission`, as `@sphereon/pex` types it. */
export type PresentationSubmission = NonNullable<ReturnType<PEX['evaluateCredentials']>['value']>

/** Whether a submission satisfies a definition, and why not. */
export interface SubmissionEvaluation {
  satisfied: boolean
  /** Each problem `@sphereon/pex` reported. */
  problems: string[]
  /** Why it is not satisfied, in one sentence; absent when it is. */
  reason?: string
}

/**
 * Evaluates the submission a presentation carries against a definition. Signatures are not
 * checked here; `verify.ts` does that.
 *
 * @param presentation a compact JWT presentation, or a presentation in JSON form.
 * @param submission the submission, with paths relative to the presentation
 *   (`$.verifiableCredential[0]`), as it is embedded.
 */
export function evaluateSubmission(
  definition: PresentationDefinition,
  presentation: string | Record<string, unknown>,
  submission: unknown,
): SubmissionEvaluation {
  if (!isRecord(submission) || !Array.isArray(submission['descriptor_map'])) {
    return refused('the presentation has no presentation_submission')
  }
  if (submission['definition_id'] !== definition.id) {
    const answered = String(submission['definition_id'])
    return refused(`the submission answers definition ${answered}, not ${definition.id}`)
  }

  const prefix = typeof presentation === 'string' ? '$.vp.' : '$.'
  const nested = asNested(submission as unknown as PresentationSubmission, prefix)

  try {
    const evaluation = new PEX().evaluatePresentation(
      forEvaluation(definition),
      presentation as Parameters<PEX['evaluatePresentation']>[1],
      { presentationSubmission: nested },
    )
    if (evaluation.areRequiredCredentialsPresent !== 'error')
      return { satisfied: true, problems: [] }

    const problems = (evaluation.errors ?? []).map((error) => error.message ?? error.tag)
    return {
      satisfied: false,
      problems,
      reason: `the submission does not satisfy the definition: ${problems.join('; ')}`,
    }
  } catch (error) {
    return refused(`the submission cannot be evaluated: ${(error as Error).message}`)
  }
}

/**
 * Evaluates credentials (compact JWTs, or JSON-form credentials) against a definition.
 *
 * @returns the submission `@sphereon/pex` proposes, with paths into the given list.
 */
export function evaluateCredentials(
  definition: PresentationDefinition,
  credentials: readonly (string | Record<string, unknown>)[],
  holder?: string,
): SubmissionEvaluation & { submission?: PresentationSubmission } {
  const evaluation = new PEX().evaluateCredentials(
    forEvaluation(definition),
    credentials as Parameters<PEX['evaluateCredentials']>[1],
    holder === undefined ? {} : { holderDIDs: [holder] },
  )
  const problems = (evaluation.errors ?? []).map((error) => error.message ?? error.tag)
  const satisfied = evaluation.areRequiredCredentialsPresent !== 'error' && !!evaluation.value

  return {
    satisfied,
    problems,
    ...(satisfied && evaluation.value ? { submission: evaluation.value } : {}),
  }
}

function refused(reason: string): SubmissionEvaluation {
  return { satisfied: false, problems: [reason], reason }
}

/**
 * A submission embedded in a presentation names each credential by its path in the presentation
 * (`$.verifiableCredential[0]`). `@sphereon/pex` 4.1 evaluates every submission as if it stood
 * outside the presentation: a descriptor points at the presentation (`$`), and `path_nested` at
 * the credential inside the decoded presentation (for a JWT, `$.vp.verifiableCredential[0]`).
 */
function asNested(submission: PresentationSubmission, prefix: string): PresentationSubmission {
  return {
    ...submission,
    descriptor_map: submission.descriptor_map.map((descriptor) => ({
      id: descriptor.id,
      format: prefix === '$.vp.' ? 'jwt_vp' : 'ldp_vp',
      path: '$',
      path_nested: {
        ...descriptor,
        path: descriptor.path.startsWith('$.')
          ? `${prefix}${descriptor.path.slice(2)}`
          : descriptor.path,
      },
    })),
  }
}
