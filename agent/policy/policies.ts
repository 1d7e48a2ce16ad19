/**
 * Access policies as `agent.yml` declares them (`verifier.policies`), with each presentation
 * definition read from its file and each condition checked.
 */
import { readFileSync } from 'node:fs'

import type { AgentConfig } from '../config/schema.js'
import { parseDefinition, type PresentationDefinition } from '../presentation/definition.js'
import { assertConditionValid, describe, type Condition } from './conditions.js'
import { PolicyInvalidError, PolicyNotFoundError } from './errors.js'

/** One access policy, ready to decide with. */
export interface Policy {
  /** The protected resource's name, as in `GET /resources/<name>`. */
  resource: string
  definition: PresentationDefinition
  /** The issuers whose credentials count for this policy. */
  trustedIssuers: string[]
  conditions: Condition[]
  grantTtlSeconds: number
}

/**
 * Reads every configured policy.
 *
 * @param resolvePath turns a definition path as written into one to read (relative to agent.yml).
 * @throws PolicyInvalidError (`ERR_POLICY_INVALID`) when a definition cannot be read or is not
 *   valid, or a condition's value has the wrong shape.
 */
export function loadPolicies(
  configured: AgentConfig['verifier']['policies'],
  resolvePath: (path: string) => string,
): Policy[] {
  return configured.map((entry) => {
    let definition: PresentationDefinition
    try {
      definition = parseDefinition(JSON.parse(readFileSync(resolvePath(entry.definition), 'utf8')))
    } catch (cause) {
      throw new PolicyInvalidError(`the definition of policy ${entry.resource} cannot be used`, {
        cause,
      })
    }

    const conditions = entry.conditions.map((condition) => ({ ...condition }))
    conditions.forEach(assertConditionValid)

    return {
      resource: entry.resource,
      definition,
      trustedIssuers: [...entry.trustedIssuers],
      conditions,
      grantTtlSeconds: entry.grantTtlSeconds,
    }
  })
}

/**
 * The policy for a resource.
 *
 * @throws PolicyNotFoundError (`ERR_POLICY_NOT_FOUND`) when none names it.
 */
export function policyFor(policies: readonly Policy[], resource: string): Policy {
  const policy = policies.find((candidate) => candidate.resource === resource)
  if (policy === undefined) throw new PolicyNotFoundError(`no policy for resource ${resource}`)

  return policy
}

/** A policy's rule in words, as decisions and grants record it. */
export function ruleOf(policy: Policy): string {
  const conditions = policy.conditions.map(describe)
  const when = conditions.length === 0 ? 'any verified presentation' : conditions.join(' and ')
  return `${policy.resource} (definition ${policy.definition.id}): ${when}`
}
