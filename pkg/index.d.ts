// Types of the export-guard JS contract. The same contract holds in Node (CommonJS),
// browsers (ES module) and the ServiceNow ES5 build. Instants in outputs are UTC ISO
// strings with milliseconds ("2026-11-02T00:00:00.000Z"); windows are half-open [start, end).

/** Stable error codes. */
export type ErrorCode =
  | 'INVALID_DATE' | 'INVALID_RANGE' | 'RANGE_TOO_LONG' | 'MISSING_TIME_ZONE' | 'UNKNOWN_TIME_ZONE'
  | 'NONEXISTENT_LOCAL_TIME' | 'UNKNOWN_CHANNEL' | 'NO_CHANNELS' | 'UNKNOWN_PROFILE' | 'INVALID_JOB'
  | 'UNKNOWN_STATUS' | 'INVALID_POLICY' | 'INVALID_QUEUE' | 'MISSING_INTEGRATION_ID' | 'INVALID_RESPONSE'
  | 'TOO_LARGE' | 'STALE_ANSWER' | 'INVALID_ARGUMENT'
  /** Raised by the JS shim: the core trapped during this call and was replaced with a fresh instance. */
  | 'CORE_TRAPPED'
  /** Raised by the JS shim: a PreparedJobs from an instance replaced after CORE_TRAPPED. */
  | 'STALE_HANDLE';

/** One problem: a stable code, the field path it concerns (e.g. "activeJobs[3].end"), a message. */
export interface ErrorDetail {
  code: ErrorCode;
  field: string;
  message: string;
}

/** Thrown by every function except `decide`. `errors` lists all problems; the first is this one. */
export class ExportGuardError extends Error {
  name: 'ExportGuardError';
  code: ErrorCode;
  field: string;
  errors: ErrorDetail[];
}

export type ProfileName = 'evaluationExports' | 'conversationDetailsJobs' | 'recordingJobs';

export type MediaType = 'voice' | 'callback' | 'chat' | 'email' | 'message' | 'cobrowse' | 'video' | 'screenshare';
/** Analytics messageType values. */
export type MessageType = 'sms' | 'whatsapp' | 'facebook' | 'twitter' | 'instagram' | 'line' | 'webmessaging' | 'open' | 'apple';
/** Conversation message types analytics does not know: accepted by evaluationExports only. */
export type ConversationOnlyMessageType = 'telegram' | 'kakao' | 'viber' | 'wechat';
/** A channel name; input is case-insensitive, output canonical lowercase. */
export type Channel = MediaType | MessageType | ConversationOnlyMessageType;

/** An instant: ISO string with Z/offset, or (where allowed) epoch milliseconds or a Date. */
export type Instant = string | number | Date;

/**
 * An export request. Give `start`+`end` or `interval` ("start/end"). Each may be an
 * instant with Z/offset, or a local date/date-time ("2026-11-02", "2026-11-02T08:00")
 * resolved in `timeZone`. `end` is exclusive.
 */
export interface ExportRequest {
  start?: string | Date;
  end?: string | Date;
  interval?: string;
  timeZone?: string;
  channels: string[];
  profile?: ProfileName;
  /**
   * enqueue only: queue the request as parts of this granularity, aligned in its zone.
   * Without it, a request longer than maxRangeDays (default: the profile's maximum, 32
   * days: a local month) is split into the coarsest parts that fit: months, weeks, days or hours.
   */
  split?: { granularity: 'hour' | 'day' | 'week' | 'month' };
}

/** Which part of a bulk request an item is. */
export interface ItemPart {
  /** The whole request's key: the request's id. */
  of: string;
  /** From 1, in time order. */
  index: number;
  count: number;
}

/** A job as the API reports it. Extra fields are ignored. Status is case-insensitive. */
export interface Job {
  id: string;
  start?: string;
  end?: string;
  interval?: string;
  startDate?: string;
  endDate?: string;
  start_date?: string;
  end_date?: string;
  status: string;
  channels?: string[];
  /** Defaults to the request's profile. */
  profile?: ProfileName;
  [extra: string]: unknown;
}

/** A job as export-guard reports it back. */
export interface JobSummary {
  id: string;
  start: string;
  end: string;
  status: string;
  profile: ProfileName;
  channels?: Channel[];
}

export interface Window {
  start: string;
  end: string;
  /** Canonical "startZ/endZ": the lock key, and the Genesys interval form. */
  lockKey: string;
}

export interface Endpoint {
  method: 'POST';
  path: string;
  pollPath: string;
}

export interface PayloadOptions {
  profile?: ProfileName;
  timeZone?: string;
  /** Current time; defaults to Date.now(). */
  now?: Instant;
  /** One payload per channel. */
  splitByChannel?: boolean;
  /** Longest accepted range in days (default: the profile's maximum, 32: a local month with a DST hour; 0 = no limit). */
  maxRangeDays?: number;
  /** recordingJobs: EXPORT (default), ARCHIVE or DELETE. */
  recordingAction?: 'EXPORT' | 'ARCHIVE' | 'DELETE';
  /** recordingJobs: the S3 integration to export to; required for EXPORT (MISSING_INTEGRATION_ID otherwise), never sent for ARCHIVE/DELETE. */
  integrationId?: string;
  /** recordingJobs: include screen recordings (the API's default: true). */
  includeScreenRecordings?: boolean;
  /** recordingJobs: when the action runs (default: now). */
  actionDate?: Instant;
}

export interface DecideOptions extends PayloadOptions {
  /** Treat windows that only touch as conflicting (default false). */
  touchingConflicts?: boolean;
  /** conversationDetailsJobs: the concurrency limit, 1 to 10,000 (default 5; 0 is refused). */
  maxActiveJobs?: number;
  /** Suggested delay before deciding again when queued (default 5000). */
  recheckAfterMs?: number;
}

export type Payload = Record<string, unknown>;

export interface Decision {
  action: 'submit' | 'queue' | 'reject';
  profile?: ProfileName;
  endpoint?: Endpoint;
  lockKey?: string;
  /** submit only. */
  payloads?: Payload[];
  /** Active jobs that block the request (queue). */
  conflicts: JobSummary[];
  /** Parts of the range free now (the whole range on submit). */
  freeWindows: Window[];
  recheckAfterMs?: number;
  /** A completed job with the same range and channels. */
  alreadyExported?: JobSummary;
  errors: ErrorDetail[];
}

export interface PlanOptions {
  profile?: ProfileName;
  /** Zone for local boundaries (the request's timeZone wins; default UTC). */
  timeZone?: string;
  granularity?: 'hour' | 'day' | 'week' | 'month';
  workers?: number;
  /** Week start for granularity "week" (default monday). */
  weekStart?: string;
  /** Active jobs, to mark blocked windows. */
  activeJobs?: Job[] | PreparedJobs | string;
  touchingConflicts?: boolean;
  /** Most windows a plan may have (default 10000). */
  maxWindows?: number;
}

export interface PlannedWindow extends Window {
  worker: number;
  blockedBy: string[];
}

export interface Plan {
  windows: PlannedWindow[];
  granularity: 'hour' | 'day' | 'week' | 'month';
  timeZone: string;
  workers: number;
  profile: ProfileName;
}

/**
 * Where an item is in its life (see the README's state diagram): queued → submitting (a
 * lease) → submitted (job id) → [ready → executing: recording jobs] → completed | failed;
 * waiting (notBefore, reason) after a 409/429/5xx, a FAILED or vanished job or a lost answer.
 */
export type ItemState = 'queued' | 'waiting' | 'submitting' | 'submitted' | 'ready' | 'executing' | 'fetching' | 'completed' | 'failed';

/**
 * An HTTP call the lifecycle hands out (`list`: a listing of a listable profile's active
 * jobs; `results`: a page of a finished details job's results, with `fetchResults`).
 */
export type ActionKind = 'submit' | 'poll' | 'execute' | 'find' | 'list' | 'results';

/** An answer's inin-ratelimit-* headers, as given. */
export interface RateLimit { count?: string; allowed?: string; reset?: string }

/** The last answer recorded for an item or a listing. */
export interface LastAnswer { action: ActionKind; at: string; status: number; summary: string; rateLimit?: RateLimit }

/** A call handed out and not yet answered: until when its answer is awaited, and who took it. */
export interface Lease { action: ActionKind; until: string; client?: string; runner?: string }

/** A class of calls (profile, kind, OAuth client) paused for the whole queue after a 429. */
export interface Pause { profile: ProfileName; action: ActionKind; client?: string; until: string; reason: string; rateLimit?: RateLimit }

/** The queue's view of one listing (a listable profile's jobs in one state). */
export interface Listing {
  key: string;
  profile: ProfileName;
  state: string;
  /** When the jobs were listed. */
  at?: string;
  lease?: Lease;
  notBefore?: string;
  retries?: number;
  /** Whether a step decided with these jobs already. */
  used?: boolean;
  jobs: Array<{ id: string; state: string; start?: string; end?: string }>;
  lastAnswer?: LastAnswer;
}

export interface QueueItem {
  seq: number;
  /** "profile|lockKey|channels": the deduplication key among live items. */
  key: string;
  lockKey: string;
  profile: ProfileName;
  start: string;
  end: string;
  channels: Channel[];
  enqueuedAt: string;
  state: ItemState;
  /** Do not submit before this instant (queued, waiting). */
  notBefore?: string;
  /** How many times it was POSTed. */
  attempts: number;
  /** The job the API created (submitted, ready, executing, completed). */
  jobId?: string;
  /** The call handed out and not yet answered, and until when its answer is awaited. */
  lease?: Lease;
  /** The next poll (submitted, executing) or execute (ready). */
  pollAt?: string;
  /** Why it waits or failed. */
  reason?: string;
  /** Transient errors in a row on polls, executes and finds. */
  retries?: number;
  lastAnswer?: LastAnswer;
  /** When it completed or failed. */
  doneAt?: string;
  /** The OAuth client whose submit created its job (only it may execute a READY job). */
  client?: string;
  /** Submits made again after their answer was lost on a profile Genesys cannot list: the export may have run that many extra times. */
  doubts?: number;
  /** Set when the item is one part of a bulk request. */
  part?: ItemPart;
  /** How far its job's results were fetched (fetching): pages read, and the next page's cursor. */
  results?: { pages: number; cursor?: string };
}

/** Serialisable queue state; `null` is an empty queue. */
export interface QueueState {
  /** 3; versions 1 and 2 are read too. */
  version: 1 | 2 | 3;
  nextSeq: number;
  items: QueueItem[];
  /** Classes of calls paused after a 429. */
  pauses?: Pause[];
  /** The listings of listable profiles. */
  listings?: Listing[];
}

export interface EnqueueOptions {
  profile?: ProfileName;
  timeZone?: string;
  now?: Instant;
  /** Do not submit before this instant (e.g. after a 409 race). */
  notBefore?: Instant;
  attempts?: number;
  /** Longest range one job covers; longer requests are queued as parts (default: the profile's maximum; 0: no maximum). */
  maxRangeDays?: number;
  /** false: a key whose item already completed or failed is a duplicate too (default true: a new export). */
  repeatFinished?: boolean;
}

/**
 * `Q` is the type of the queue an answer carries: the new state for a state given, the
 * same `QueueHandle` for a kept queue (its state stays in the core).
 */
export interface Enqueued<Q = QueueState> {
  queue: Q;
  /** false when a live item (not completed or failed) has the same key (then `item` is that one). */
  added: boolean;
  item: QueueItem;
  /** A bulk request's parts, in time order (item is the first); added is true when any part was. */
  parts?: Array<{ added: boolean; item: QueueItem; previous?: 'completed' | 'failed' }>;
  /** Added again after an earlier item with its key ended: how it ended ('completed': a new export). */
  previous?: 'completed' | 'failed';
}

export interface EnqueueManyOptions extends EnqueueOptions {
  /** 'compact': each result gives its item's key and seq instead of the item (default 'full'). */
  results?: 'full' | 'compact';
}

/** enqueueMany's answer with `results: 'compact'`. */
export interface EnqueuedManyCompact<Q = QueueState> {
  queue: Q;
  /** One per request, in order: the queued item's key and seq (the live one for a duplicate). */
  results: Array<{ added: boolean; key: string; seq: number; previous?: 'completed' | 'failed'; parts?: Array<{ added: boolean; key: string; seq: number }> } | { added: false; errors: ErrorDetail[] }>;
}

export interface EnqueuedMany<Q = QueueState> {
  queue: Q;
  /** One per request, in order. */
  results: Array<{ added: boolean; item: QueueItem; previous?: 'completed' | 'failed'; parts?: Array<{ added: boolean; item: QueueItem; previous?: 'completed' | 'failed' }> } | { added: false; errors: ErrorDetail[] }>;
}

export interface DrainOptions extends Omit<PayloadOptions, 'timeZone' | 'maxRangeDays'> {
  touchingConflicts?: boolean;
  maxActiveJobs?: number;
  /** How long a handed-out call's answer is awaited (ms, default 60000, at most a day). */
  leaseMs?: number;
  /** Interval between polls of a running job (ms, default 5000, at most a day). */
  pollMs?: number;
  /** Retries of submits (409/429/5xx, FAILED or vanished jobs) and the delays of poll errors. */
  policy?: BackoffPolicy;
  /** drain only: one payload per channel (next makes one POST per item and refuses it). */
  splitByChannel?: boolean;
  /**
   * Whether each waiting item's reason names what blocks it (job ids, the earlier item's
   * key). Default: false for drain (its answer then carries only `waitingCount`), true
   * for next and inspectQueue. Finding the blockers costs a scan per waiting item.
   */
  waitingDetail?: boolean;
  /**
   * Answer, as `changes`, what changed in the queue since its saved state (this call
   * included), as queueChanges would; that state then counts as saved (for a state
   * given: every item). For a store that writes only what changed: one call into the
   * core per step or answer instead of two.
   */
  changes?: boolean;
}

/** The lifecycle's one options object: next, drain, record, recordMany and inspectQueue take it, and each checks every key, whether or not it uses it, so a wrong value is refused by the first call that gets it. */
export interface LifecycleOptions extends DrainOptions {
  /** The runner's OAuth client: pauses after a 429 are per client, and a READY job is executed by its creator only. */
  clientId?: string;
  /** A name for this runner (host and process): its leases carry it. */
  runnerId?: string;
  /** Whether next lists listable profiles itself (list actions; default true, false for drain). */
  listing?: boolean;
  /**
   * next only: whether its answer lists the waiting items (`waiting`, default true). With
   * false it carries only their number (`waitingCount`), and `waitingDetail` defaults to
   * false: for a caller that shows no waits (writing each reason is much of a step's cost
   * in the ServiceNow build).
   */
  waiting?: boolean;
  /**
   * The keys the caller waits for: `done` once they are final (every item without it) and
   * no live recording job of this runner's client may still need it (to execute the job
   * once READY, or to look for a submit made under the client).
   */
  watch?: string[];
  /** Most submits of profiles Genesys cannot list one runner has in flight (default 4). */
  maxInDoubt?: number;
  /**
   * Whether a FULFILLED details job's results are fetched (results actions, page by page)
   * before its item completes (default false). Give it to next and record alike.
   */
  fetchResults?: boolean;
}

/** One HTTP call for a driver to make, then `record` its answer under `key`. */
export interface Action {
  kind: ActionKind;
  /** The item's key, or a listing's (`list|profile|state`). */
  key: string;
  /** The item's seq (none for a listing). */
  seq?: number;
  /** The state a listing asks for. */
  state?: string;
  profile: ProfileName;
  method: 'POST' | 'GET' | 'PUT';
  /** Path (and query) relative to the API base URL, job id in place. */
  path: string;
  /** The JSON body (submit, execute). */
  body?: Payload;
  jobId?: string;
  /** Which results page (from 0; results only). */
  page?: number;
  /** When it became due. */
  due: string;
  /** Until when its answer is awaited; after that the lifecycle acts again. */
  leaseUntil: string;
}

export interface Stepped<Q = QueueState> {
  /** The calls to make now. Save `queue` before making them. */
  actions: Action[];
  counts: Record<ItemState, number>;
  queue: Q;
  /** Why each live item held back waits (absent with the option `waiting: false`). */
  waiting?: Waiting[];
  /** With the option `waiting: false`: how many live items are held back. */
  waitingCount?: number;
  /** When to call next again; null when every item is completed or failed. */
  wakeAt: string | null;
  /** Whether the caller is done: the watched items final, and no live recording job its client created (its creator must execute it) nor a submit in flight under its client on a listable profile. */
  done: boolean;
  /** With the option `changes: true`: what changed in the queue (queueChanges' answer). */
  changes?: QueueChanges;
}

export type RecordEvent = 'submitted' | 'running' | 'ready' | 'executed' | 'fetching' | 'page' | 'completed' | 'retry' | 'resubmit' | 'found' | 'failed' | 'listed' | 'denied';

/**
 * A results page as record read it: the records this item owns, to write in order (a
 * conversation belongs to the part of a bulk request its conversationStart falls in, so
 * one that adjacent parts' jobs both return is written once), and how many it left.
 */
export interface ResultsPage {
  page: number;
  last: boolean;
  records: Array<Record<string, unknown>>;
  skipped: number;
}

export type Recorded<Q = QueueState> = {
  /** The call the answer was to. */
  action: Exclude<ActionKind, 'list'>;
  event: RecordEvent;
  item: QueueItem;
  /** A results page read (action results, 2xx). */
  results?: ResultsPage;
  queue: Q;
  /** With the option `changes: true`: what changed in the queue (queueChanges' answer). */
  changes?: QueueChanges;
} | {
  action: 'list';
  event: 'listed' | 'retry' | 'denied';
  listing: Listing;
  /** Why a listing failed. */
  reason?: string;
  queue: Q;
  /** With the option `changes: true`: what changed in the queue (queueChanges' answer). */
  changes?: QueueChanges;
};

export interface RecordedMany<Q = QueueState> {
  queue: Q;
  /** With the option `changes: true`: what changed in the queue (queueChanges' answer). */
  changes?: QueueChanges;
  results: Array<{ action: ActionKind; event: RecordEvent; item?: QueueItem; listing?: Listing; reason?: string; results?: ResultsPage } | { errors: ErrorDetail[] }>;
}

/** What changed in a kept queue since it was loaded or last asked (queueChanges). */
export interface QueueChanges {
  version: 3;
  /** The items new or changed, each with when it is next due and whether it is final. */
  items: Array<{ item: QueueItem; due: string | null; final: boolean }>;
  /** The seqs of the items removed. */
  removed: number[];
  nextSeq: number;
  /** Present only when stateChanged. */
  pauses?: Pause[];
  /** Present only when stateChanged. */
  listings?: Listing[];
  /** Whether what the state holds beside its items (pauses, listings, nextSeq) changed. */
  stateChanged: boolean;
}

export interface Pruned<Q = QueueState> {
  queue: Q;
  removed: QueueItem[];
}

export interface Waiting {
  key: string;
  reason: 'notBefore' | 'activeJobs' | 'overlapsSubmitted' | 'earlierItem' | 'concurrencyLimit' | 'paused' | 'listing' | 'creatorOnly' | 'inDoubtLimit' | 'earlierPart' | 'resultsFetcher';
  /** The reason in words (next, inspectQueue; drain with waitingDetail). */
  text?: string;
  blockedBy?: string[];
  notBefore?: string;
  /** The limit (concurrencyLimit, inDoubtLimit). */
  maxActive?: number;
  /** paused: the kind of call paused, and until when. */
  action?: ActionKind;
  until?: string;
  /** creatorOnly: the OAuth client that created the job, and since when it waits for it. */
  client?: string;
  since?: string;
  /** earlierPart: the earlier part of its bulk request whose results come first. */
  part?: number;
}

export interface Drained<Q = QueueState> {
  submit: Array<QueueItem & { payloads: Payload[]; endpoint: Endpoint }>;
  /** The queue, with the released items submitting under a lease: record their answers. */
  queue: Q;
  /** How many queued items were not released. */
  waitingCount: number;
  /** Why each of them waits: only with `waitingDetail: true`. */
  waiting?: Waiting[];
  /** With the option `changes: true`: what changed in the queue (queueChanges' answer). */
  changes?: QueueChanges;
}

export interface BackoffPolicy {
  initialMs?: number;
  factor?: number;
  maxMs?: number;
  maxAttempts?: number;
  maxElapsedMs?: number;
  jitter?: 'none' | 'full' | 'equal' | 'decorrelated';
  /** Deterministic jitter; a number or a string of digits (for the full u64 range). */
  seed?: number | string;
  /** The longest Retry-After honoured (default 86,400,000 = 24 h; at most 7 days); longer gives up. */
  maxRetryAfterMs?: number;
}

export interface Schedule {
  steps: Array<{ attempt: number; delayMs: number; minMs: number; maxMs: number; elapsedMs: number }>;
  totalMs: number;
  policy: Required<Omit<BackoffPolicy, 'maxElapsedMs' | 'seed'>> & { maxElapsedMs: number | null; seed: number | null };
}

/**
 * An HTTP answer, in whatever shape the client has it: { status, headers?, body? }, the
 * official Genesys SDK's rejection ({ status, code, message, ... }) or extended response
 * ({ status, statusText, headers, body, text, error }), or a fetch Response / an object
 * whose headers is a Headers. Unknown fields are ignored.
 */
export interface HttpResponseLike {
  /** HTTP status; 0 for a network error or timeout. */
  status: number;
  /** Header names are case-insensitive; Retry-After and Date are read. */
  headers?: Record<string, string | number | string[]> | { forEach(cb: (value: string, key: string) => void): void };
  /** The parsed body (readJob reads the job from it). */
  body?: unknown;
  /** The Genesys error code (the SDK's rejection carries it at the top). */
  code?: string;
  /** Time spent since the first attempt, for maxElapsedMs. */
  elapsedMs?: number;
  [extra: string]: unknown;
}

export interface RetryVerdict {
  action: 'retry' | 'recheck' | 'give-up' | 'done';
  delayMs?: number;
  reason: string;
  attempt: number;
  nextAttempt?: number;
  retryAfterMs?: number;
}

/** Where a fact comes from: Genesys's docs and official SDK models, a community description, or export-guard's own default. */
export type Source = 'genesys-docs' | 'community' | 'export-guard';
export interface Sourced<T> { value: T; source: Source }
export interface ApiCall { method: string; path: string; body?: { state: string }; when?: string }

export interface ProfileInfo {
  name: ProfileName;
  method: 'POST';
  path: string;
  pollPath: string;
  /** States that hold a lock or count against the limit. */
  activeStatuses: string[];
  /** States that wait for the creator to execute the job (recording jobs: READY). Not final. */
  readyStatuses: string[];
  completedStatus: string;
  failedStatuses: string[];
  /** completed + failed. */
  terminalStatuses: string[];
  lockRule: { kind: 'rangeOverlap' } | { kind: 'maxActive'; maxActive: number; configurable: boolean };
  /** Where the endpoint itself is described. */
  source: 'genesys-docs' | 'community';
  default: boolean;
  /** Every rule, each with its own source. */
  rules: {
    create: Sourced<ApiCall>;
    jobIdField: Sourced<string>;
    stateFields: Sourced<string[]>;
    poll: Sourced<ApiCall>;
    execute: Sourced<ApiCall | null>;
    listing: Sourced<{ method: string; path: string; query: Record<string, string>; stateParam: string; entitiesField: string } | null>;
    states: Sourced<{ active: string[]; ready: string[]; completed: string[]; failed: string[] }>;
    limit: Sourced<ProfileInfo['lockRule']>;
    conflict409: Sourced<string>;
  };
}

/** What a successful answer says of a job (readJob). */
export interface JobReading {
  /** null when the answer carries none (a details job's GET). */
  jobId: string | null;
  /** Canonical state; null when the answer carries none (a details job's POST: just queued). */
  state: string | null;
  phase: 'active' | 'ready' | 'completed' | 'failed';
  /** The job's errorMessage, if any. */
  message: string | null;
  profile: ProfileName;
}

/** A job list parsed once and kept in the core; pass it wherever activeJobs go. */
export class PreparedJobs {
  readonly index: number;
  readonly count: number;
  /** options.profile as given: the profile of jobs that name none (null: every profile that knows the job's status). */
  readonly profile: ProfileName | null;
  /** Releases it inside the core; returns false if it was already freed. */
  free(): boolean;
  toJSON(): { $index: number };
}
/**
 * A job list: the jobs, a prepared list, or the JSON text of the jobs array as an HTTP
 * body holds it (parsed once, in the core: no JSON.parse, no stringify of the array).
 * Text that is not the JSON of an array (a body cut short, say) is an INVALID_ARGUMENT
 * at activeJobs, never read as a shorter list.
 */
export type ActiveJobs = Job[] | PreparedJobs | string | null;

/**
 * A queue kept inside the core (loadQueue): pass it wherever a queue state goes. The
 * operations then update it in place and answer it (the same object) as `queue`, with
 * no state to parse or write per call. Save `state()` (or queueState(handle)) to persist
 * it. free() when done; at most 1,000 live (in Node and browsers, dropped ones are freed
 * by the garbage collector as well).
 */
export class QueueHandle {
  readonly index: number;
  /** Items when it was loaded. */
  readonly count: number;
  /** The queue's state now, as JSON to save (queueState). */
  state(): QueueState;
  /** Releases it inside the core; returns false if it was already freed. */
  free(): boolean;
  toJSON(): { $queue: number };
}
/** A queue state (null: an empty queue), or a queue kept in the core. */
export type AnyQueue = QueueState | QueueHandle | null;

/**
 * Parses a job list once for repeated decisions (at most 1,000 live; free() them). In Node
 * and browsers a dropped list is also freed once its object is garbage-collected.
 */
export function prepareJobs(activeJobs: Job[] | string, options?: { profile?: ProfileName }): PreparedJobs;
export function decide(request: ExportRequest, activeJobs: ActiveJobs, options?: DecideOptions): Decision;
/** Decides many requests against one job list, parsed once. Throws for bad jobs/options; a bad request gets a reject in its place. */
export function decideMany(requests: ExportRequest[], activeJobs: ActiveJobs, options?: DecideOptions): Decision[];
export function buildPayload(request: ExportRequest, options?: PayloadOptions): Payload | Payload[];
export function plan(request: Omit<ExportRequest, 'channels'> & { channels?: string[] }, options?: PlanOptions): Plan;
export function enqueue(queue: QueueHandle, request: ExportRequest, options?: EnqueueOptions): Enqueued<QueueHandle>;
export function enqueue(queue: QueueState | null, request: ExportRequest, options?: EnqueueOptions): Enqueued;
/** Adds many requests, reading and writing the queue once; a bad request gets `{ added: false, errors }`. */
export function enqueueMany(queue: QueueHandle, requests: ExportRequest[], options: EnqueueManyOptions & { results: 'compact' }): EnqueuedManyCompact<QueueHandle>;
export function enqueueMany(queue: QueueState | null, requests: ExportRequest[], options: EnqueueManyOptions & { results: 'compact' }): EnqueuedManyCompact;
export function enqueueMany(queue: QueueHandle, requests: ExportRequest[], options?: EnqueueManyOptions): EnqueuedMany<QueueHandle>;
export function enqueueMany(queue: QueueState | null, requests: ExportRequest[], options?: EnqueueManyOptions): EnqueuedMany;
export function drain(queue: QueueHandle, activeJobs: ActiveJobs, options?: LifecycleOptions): Drained<QueueHandle>;
export function drain(queue: QueueState | null, activeJobs: ActiveJobs, options?: LifecycleOptions): Drained;
/** The HTTP calls due now (submit, poll, execute, find, list, results), leased in the returned queue. */
export function next(queue: QueueHandle, activeJobs: ActiveJobs, options?: LifecycleOptions): Stepped<QueueHandle>;
export function next(queue: QueueState | null, activeJobs: ActiveJobs, options?: LifecycleOptions): Stepped;
/**
 * Reads the answer to an item's outstanding call (status 0: no response) and moves the item on.
 * Pass the action next handed out: a late answer (another kind of call, or a results page
 * handed out since) is then refused with STALE_ANSWER. A key alone is accepted for every
 * call but results, whose page must be said.
 */
export function record(queue: QueueHandle, action: Action | string, response: HttpResponseLike, options?: LifecycleOptions): Recorded<QueueHandle>;
export function record(queue: QueueState, action: Action | string, response: HttpResponseLike, options?: LifecycleOptions): Recorded;
/** record for a step's answers, reading and writing the queue once; a refused answer gets its errors in its place. */
export type AnswerOf = { action: Action; response: HttpResponseLike } | { key: string; response: HttpResponseLike };
export function recordMany(queue: QueueHandle, answers: AnswerOf[], options?: LifecycleOptions): RecordedMany<QueueHandle>;
export function recordMany(queue: QueueState, answers: AnswerOf[], options?: LifecycleOptions): RecordedMany;
/** Keeps a queue state in the core (null: an empty queue); see QueueHandle. */
export function loadQueue(queue?: QueueState | QueueHandle | null): QueueHandle;
/** A queue's state, to save: a kept queue's, or a state given (checked). */
export function queueState(queue: AnyQueue): QueueState;
/** What changed in a kept queue since loadQueue or the last queueChanges (a state given: every item); then it counts as saved. */
export function queueChanges(queue: AnyQueue): QueueChanges;
/** Drops a kept queue; false if it was already freed. */
export function freeQueue(queue: QueueHandle | number | { $queue: number }): boolean;
/** The queue as a person reads it (for pages and reports); changes nothing. */
export function inspectQueue(queue: AnyQueue, activeJobs?: ActiveJobs, options?: LifecycleOptions): {
  counts: Record<ItemState, number>;
  /** When the next call falls due (now when one is due); null when every item is final. */
  wakeAt: string | null;
  items: Array<QueueItem & {
    /** The call it gets next; null while one is outstanding (see lease) or once final. */
    nextCall: 'submit' | 'poll' | 'execute' | null;
    /** When its next call (or its lease) falls due; null when final or free to go now. */
    due: string | null;
    dueNow: boolean;
    /** Completed or failed. */
    final: boolean;
    outcome: 'exported' | 'failed' | 'open';
    /** Why it waits. */
    waiting?: Omit<Waiting, 'key'>;
  }>;
  listings: Listing[];
  pauses: Pause[];
  /** The bulk requests, with their parts' progress (the newest item of each part). */
  requests: Array<{ id: string; parts: number; completed: number; failed: number; live: number; outcome: 'completed' | 'failed' | 'running' }>;
};

/** The store of the driver loop: claims the queue, loads it, runs fn, saves, releases. */
export interface DriverStore {
  update(fn: (queue: any) => { queue: any; value: any }, cb: (err: Error | null, value?: any) => void): void;
}
/** The transport of the driver loop: one action's call, answered with the body as text (status 0: no answer). */
export interface DriverTransport {
  perform(action: Action, cb: (answer: { status: number; headers: Record<string, string>; body: string }) => void): void;
}
/** The clock of the driver loop; without sleep a run ends when nothing is due now. */
export interface DriverClock {
  now(): number;
  sleep?(ms: number, cb: () => void): void;
}
export type DriverEvent =
  | { type: 'next'; step: Stepped<any> }
  | { type: 'record'; action: Action; result: Recorded<any> }
  | { type: 'stale'; action: Action; error: ExportGuardError };
/** How a driver run ended. */
export interface DriverRun {
  stop: 'done' | 'denied' | 'deadline' | 'steps' | 'once' | 'waiting' | string;
  steps: number;
  calls: number;
  wakeAt: string | null;
  /** The answer that refused the caller (stop 'denied'). */
  denied: Recorded<any> | null;
}
/**
 * The driver loop, the same in every runtime: claim → next → save → calls → record each
 * answer → save → sleep until wakeAt. Callbacks may be synchronous (Rhino) or not (Node).
 */
export class Driver {
  constructor(config: { store: DriverStore; transport: DriverTransport; clock: DriverClock; options?: LifecycleOptions; concurrency?: number; onEvent?: (e: DriverEvent) => void });
  step(cb: (err: Error | null, r?: { step: Stepped<any>; results: Array<Recorded<any> | null> }) => void): void;
  run(limits: { maxSteps?: number; deadline?: number; once?: boolean; until?: (r: { step: Stepped<any> }) => string | null } | undefined,
    cb: (err: Error | null, out: DriverRun) => void): void;
}
/** Removes completed and failed items: those that ended before `before`, all but the newest `keep` (default 0). */
export function prune(queue: QueueHandle, options?: { keep?: number; before?: Instant }): Pruned<QueueHandle>;
export function prune(queue: QueueState | null, options?: { keep?: number; before?: Instant }): Pruned;
export function schedule(policy?: BackoffPolicy): Schedule;
/** options.profile: the endpoint that answered (what a 409 means depends on it). */
export function nextRetry(attempt: number, response: HttpResponseLike, policy?: BackoffPolicy | null, options?: { now?: Instant; profile?: ProfileName }): RetryVerdict;
/**
 * Reads a successful (2xx) answer as the profile's model says it: the job id (jobId for
 * details jobs, id otherwise), the state (state; status too for evaluation exports) and
 * its phase. A missing or wrong-typed field is an INVALID_RESPONSE error naming it.
 * `response` may also be the body itself (the official SDK's resolved value).
 */
export function readJob(profile: ProfileName, response: HttpResponseLike | Record<string, unknown>, options?: { call?: 'submit' | 'poll' | 'execute' }): JobReading;
export function profiles(): ProfileInfo[];
/** Every IANA zone name this build carries: canonical zones and links, sorted. */
export function timeZones(): string[];
/** The tz database release the zone data comes from, and how many names timeZones() lists. */
export function tzdata(): { version: string; names: number };
export function channels(): { mediaTypes: MediaType[]; messageTypes: MessageType[]; conversationOnlyMessageTypes: ConversationOnlyMessageType[] };
export function version(): string;

/** A job as the core reads it (parseJobs). */
export interface ParsedJob {
  id: string;
  /** Position in the input list; a job that names no profile is listed once per profile that knows its status. */
  index: number;
  profile: ProfileName;
  start: string;
  end: string;
  lockKey: string;
  /** Canonical (upper-case) status. */
  status: string;
  /** Whether the status holds a lock or counts against a concurrency limit. */
  active: boolean;
  /** Where the job is: active, ready (a recording job waiting for its PUT), completed or failed. */
  phase: 'active' | 'ready' | 'completed' | 'failed';
  channels?: Channel[];
}
/** The job list as the core reads it: normalised dates, statuses and channels. */
export function parseJobs(activeJobs: Job[] | string | null, options?: { profile?: ProfileName }): { count: number; jobs: ParsedJob[] };
/** Drops a prepared job list (prepared.free() does the same); answers whether it existed. */
export function freeJobs(prepared: PreparedJobs | number | { $index: number }): boolean;

/** The numeric limits of the inputs, from the core. */
export interface Limits {
  defaultMaxRangeDays: number;
  defaultMaxWindows: number;
  maxActiveJobs: number;
  /** Most bytes of one answer. */
  maxAnswerBytes: number;
  maxAttempts: number;
  /** Most requests per decideMany / enqueueMany call. */
  maxBatch: number;
  maxDelayMs: number;
  maxErrors: number;
  /** Most bytes of JSON arguments per call. */
  maxInputBytes: number;
  /** Most JSON objects and arrays in the arguments of one call. */
  maxInputContainers: number;
  /** Most jobs per list. */
  maxJobs: number;
  maxPreparedJobLists: number;
  /** Most items per queue. */
  maxQueueItems: number;
  maxRangeDays: number;
  maxWindows: number;
  maxWorkers: number;
}
export function limits(): Limits;

/** One option an operation accepts, as the core declares it (src/api/schema.rs). */
export interface OptionInfo {
  key: string;
  /** Its TypeScript type, as this file declares it. */
  type: string;
  /** What it does, and its default. */
  doc: string;
}
/** One operation of the core's table. */
export interface OperationInfo {
  name: string;
  params: string[];
  /** The keys its `options` parameter accepts (absent: it takes no options); any other is an error. */
  options?: OptionInfo[];
  /** The keys of its `policy` parameter, for an operation that takes one. */
  policy?: OptionInfo[];
  /** How the shim presents the answer: as it is, as a decision (never throws), as PreparedJobs, or as a QueueHandle. */
  returns: 'value' | 'decision' | 'preparedJobs' | 'queueHandle';
  summary: string;
}
/** The core's table of operations: every function of this module but the two classes. */
export function operations(): OperationInfo[];
