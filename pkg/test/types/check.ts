// Compiled by `tsc -p pkg/test/types` in ./build.sh test: pkg/index.d.ts under --strict,
// used as a caller would. The @ts-expect-error lines must fail to type-check.
import * as eg from '../../index';

const request: eg.ExportRequest = { start: '2026-11-02', end: '2026-11-03', timeZone: 'UTC', channels: ['sms'] };
const d: eg.Decision = eg.decide(request, []);
const prepared: eg.PreparedJobs = eg.prepareJobs([{ id: 'a', start: '2026-11-02T00:00:00Z', end: '2026-11-02T01:00:00Z', status: 'QUEUED' }]);
const many: eg.Decision[] = eg.decideMany([request], prepared, { integrationId: 's3', includeScreenRecordings: false });
const freed: boolean = eg.freeJobs(prepared);
const parsed: { count: number; jobs: eg.ParsedJob[] } = eg.parseJobs([], { profile: 'recordingJobs' });
const job: eg.JobReading = eg.readJob('recordingJobs', { status: 200, body: { id: 'x', state: 'READY' } }, { call: 'poll' });
const bare: eg.JobReading = eg.readJob('conversationDetailsJobs', { jobId: 'd-1' });
const v: eg.RetryVerdict = eg.nextRetry(1, { status: 429, headers: new Headers() }, { maxRetryAfterMs: 180000 }, { profile: 'evaluationExports' });
const profiles: eg.ProfileInfo[] = eg.profiles();
const execute: eg.ApiCall | null = profiles[2].rules.execute.value;
const ops: eg.OperationInfo[] = eg.operations();
const limits: eg.Limits = eg.limits();
const ch = eg.channels();
const telegram: eg.Channel = ch.conversationOnlyMessageTypes[0];
// A kept queue: the answers carry the same handle; a state gives a state.
const kept: eg.QueueHandle = eg.loadQueue(null);
const drainedKept: eg.QueueHandle = eg.drain(kept, prepared).queue;
const steppedKept: eg.Stepped<eg.QueueHandle> = eg.next(kept, [], { now: '2026-11-02T00:00:00Z' });
const drainedState: eg.QueueState = eg.drain(null, []).queue;
const enqueuedItems: eg.QueueItem[] = eg.enqueue(null, request).queue.items;
const saved: eg.QueueState = kept.state();
const savedToo: eg.QueueState = eg.queueState(steppedKept.queue);
const keptFreed: boolean = eg.freeQueue(kept) && kept.free();
const compactKeys: string[] = eg.enqueueMany(kept, [request], { results: 'compact' }).results.map((r) => ('key' in r ? r.key : ''));
const fullItems = eg.enqueueMany(null, [request]).results.map((r) => ('item' in r ? r.item.seq : -1));
// @ts-expect-error a kept queue's answer is a handle, not a state
const notAState: eg.QueueState = eg.enqueue(kept, request).queue;
// @ts-expect-error an unknown profile name
eg.readJob('recordings', {});
// @ts-expect-error the call is submit, poll or execute
eg.readJob('recordingJobs', {}, { call: 'get' });
export { d, many, freed, parsed, job, bare, v, execute, ops, limits, telegram };

// The protocol the core owns: listings, pauses, the driver loop over three adapters.
const changes: eg.QueueChanges = eg.queueChanges(kept);
const changedDue: Array<string | null> = changes.items.map((c) => c.due);
const stepped = eg.next(null, null, { clientId: 'ci', runnerId: 'host:1', watch: ['k'], maxInDoubt: 2, listing: true });
const isDone: boolean = stepped.done;
const listings: eg.Listing[] = eg.inspectQueue(null).listings;
// Bulk requests: split on enqueue, reported per request.
const bulk = eg.enqueue(null, { start: '2026-01-01', end: '2027-01-01', timeZone: 'UTC', channels: ['sms'], split: { granularity: 'month' } });
const partOf: string | undefined = bulk.parts?.[0].item.part?.of;
const outcome: 'completed' | 'failed' | 'running' | undefined = eg.inspectQueue(bulk.queue).requests[0]?.outcome;
const rec = eg.record(stepped.queue, 'list|recordingJobs|PENDING', { status: 200, body: '{"entities":[]}' });
const viewAt: string | undefined = rec.action === 'list' ? rec.listing.at : undefined;
const driver = new eg.Driver({
  store: { update(fn, cb) { const r = fn(null); cb(null, r.value); } },
  transport: { perform(_action, cb) { cb({ status: 0, headers: {}, body: 'no response' }); } },
  clock: { now: () => 0 },
  options: { clientId: 'ci' },
});
driver.run({ maxSteps: 1 }, (err, out) => { const why: string = out.stop; return err ? undefined : why; });
// @ts-expect-error a transport answers a status
const badTransport: eg.DriverTransport = { perform(_a, cb) { cb({ headers: {}, body: '' }); } };
export { changedDue, isDone, listings, viewAt, badTransport };
