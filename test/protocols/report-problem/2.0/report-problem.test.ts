import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import {
  readProblemReport,
  renderComment,
} from '../../../../protocols/report-problem/2.0/messages.js'
import { createActor, received, specExamples, type Actor } from '../../helpers.js'

type Closable = Actor & { close(): Promise<void> }

describe('readProblemReport', () => {
  it('reads the spec example problem reports', async () => {
    const reports = [
      ...(await specExamples('problems')),
      ...(await specExamples('out_of_band')),
    ].filter((e) => e.json?.type === 'https://didcomm.org/report-problem/2.0/problem-report')

    expect(reports).toHaveLength(2)
    for (const example of reports) {
      const { problem, thread } = readProblemReport(example.json as PlaintextMessage)
      expect(problem.code).toBe('e.p.xfer.cant-use-endpoint')
      expect(thread).toBe('1e513ad4-48c9-444e-9e7e-5b8b45c5e325')
      expect(renderComment(problem)).toBe(
        'Unable to use the https://agents.r.us/inbox endpoint for did:sov:C805sNYhMrjHiqZDTUASHg.',
      )
    }
  })

  it.each([
    ['missing', {}],
    ['not sorter.scope.descriptor', { code: 'broken code' }],
  ])('refuses a code that is %s', (_case, body) => {
    const message = { id: 'p', type: 'https://didcomm.org/report-problem/2.0/problem-report', body }
    expect(() => readProblemReport(message)).toThrow(
      expect.objectContaining({ code: 'ERR_ENGINE_MESSAGE_INVALID' }),
    )
  })
})

describe('problem reports in the dispatcher', () => {
  let alice: Closable

  beforeEach(async () => {
    alice = await createActor('did:example:alice')
  })
  afterEach(() => alice.close())

  it('moves the thread named by the spec example to its abandoned state, without answering', async () => {
    const [, , example] = await specExamples('problems')
    const record = await alice.engine.ping('did:example:bob')
    const report = {
      ...(example?.json as PlaintextMessage),
      pthid: record.thid,
      from: 'did:example:bob',
      to: [alice.did],
    }
    await alice.engine.handle(received(report))

    const thread = await alice.engine.thread(record.thid)
    expect(thread?.record.state).toBe('abandoned')
    expect(thread?.record.problem).toEqual({
      code: 'e.p.xfer.cant-use-endpoint',
      comment: 'Unable to use the {1} endpoint for {2}.',
      args: ['https://agents.r.us/inbox', 'did:sov:C805sNYhMrjHiqZDTUASHg'],
    })
    expect((await alice.outbox.messages()).map((m) => m.type)).toEqual([
      'https://didcomm.org/trust-ping/2.0/ping',
    ])
  })

  it('never answers a problem report, even one about an unknown thread or malformed', async () => {
    for (const body of [{ code: 'e.p.msg.unsupported' }, { code: 42 }]) {
      await alice.engine.handle(
        received({
          id: `report-${String(body.code)}`,
          type: 'https://didcomm.org/report-problem/2.0/problem-report',
          from: 'did:example:bob',
          pthid: 'no-such-thread',
          body,
        }),
      )
    }
    expect(await alice.outbox.messages()).toEqual([])
  })

  it('leaves the thread open on a warning', async () => {
    const record = await alice.engine.ping('did:example:bob')
    await alice.engine.handle(
      received({
        id: 'warning-1',
        type: 'https://didcomm.org/report-problem/2.0/problem-report',
        from: 'did:example:bob',
        pthid: record.thid,
        body: { code: 'w.m.req.slow' },
      }),
    )
    expect((await alice.engine.thread(record.thid))?.record.state).toBe('ping-sent')
  })

  it('answers an unknown protocol with e.p.msg.unsupported to the sender', async () => {
    await alice.engine.handle(
      received({
        id: 'move-1',
        type: 'https://didcomm.org/tictactoe/1.0/move',
        from: 'did:example:bob',
        to: [alice.did],
        body: { moves: ['X:B2'] },
      }),
    )

    expect(await alice.outbox.messages()).toEqual([
      {
        id: 'alice-0001',
        type: 'https://didcomm.org/report-problem/2.0/problem-report',
        from: alice.did,
        to: ['did:example:bob'],
        pthid: 'move-1',
        ack: ['move-1'],
        created_time: 1767225600,
        expires_time: 1767229200,
        body: {
          code: 'e.p.msg.unsupported',
          comment: 'unsupported protocol https://didcomm.org/tictactoe/1.0',
          args: ['https://didcomm.org/tictactoe/1.0'],
        },
      },
    ])
  })

  it('answers nobody when the sender is not authenticated', async () => {
    await alice.engine.handle(
      received(
        { id: 'anon-1', type: 'https://didcomm.org/tictactoe/1.0/move', body: {} },
        undefined,
      ),
    )
    expect(await alice.outbox.messages()).toEqual([])
  })
})
