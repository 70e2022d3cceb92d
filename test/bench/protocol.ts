// What the bench process and its child processes send each other: specs on argv as JSON, results over IPC.

/** One handler module driven with a list of called numbers, the i-th call going to toNumbers[i % length]. */
export interface Arm {
  name: string;
  /** Path of an ES module bundle exporting `handler(event)`. */
  bundle: string;
  toNumbers: readonly string[];
  /** Environment set while this arm loads and runs; arms with their own get their own copy of the bundle's modules. */
  env?: Record<string, string>;
}

export interface InvokeSpec {
  apiKey: string;
  arms: readonly Arm[];
  /** Calls per arm before measuring: JIT, the first config load, connection set-up. */
  warmup: number;
  /** Measured calls per arm. */
  iterations: number;
  /** Calls per arm in a row before the next arm takes over, so every arm shares the machine's noise. */
  block: number;
  /**
   * Counts the bytes each arm writes to file descriptor 1 with fs.writeSync (where lib/logger.ts writes its lines),
   * through a wrapper that would add its own cost: for a run that measures lines, not times.
   */
  countLineBytes?: boolean;
}

export interface ArmResult {
  name: string;
  p50Ms: number;
  p99Ms: number;
  /** Calls per second of handler time, one at a time. */
  perSecond: number;
  /** Process CPU time (user and system, all threads) per measured call, ms, from process.cpuUsage around each block. */
  cpuMsPerCall: number;
  /** Bytes written to file descriptor 1 per call, over every call, when the spec asked for them. */
  lineBytesPerCall?: number;
  /** Answers by HTTP status, to check that the arm did what it was measured for. */
  statuses: Record<string, number>;
  /** One answer body per status. */
  bodies: Record<string, string>;
}

export interface ColdStartAnswer {
  statusCode: number;
  body: string;
  /** From the child's first line of code to the bundle loaded (imported and evaluated), ms. */
  loadMs: number;
  /** The first handler call, ms: initialisation (settings, the secret, clients) and the first request. */
  handlerMs: number;
  /** The first request alone, ms, from its decision line's duration_ms when the bundle writes one. */
  requestMs?: number;
  /** Process CPU time (user and system, all threads) from the process's start to the answer, ms. */
  cpuMs: number;
  /** Most resident memory the process held, MiB. */
  maxRssMb: number;
  /** The decision line's length in bytes (with its newline), when the bundle writes one. */
  lineBytes?: number;
}

export interface HeapSpec {
  numbers: number;
}

export interface HeapResult {
  cap: number;
  kept: number;
  /** Heap growth over the empty tier once `cap` numbers are cached, MB. */
  atCapMb: number;
  /** Heap growth over the empty tier once all numbers have gone through it, MB. */
  atEndMb: number;
}

/** Scheduled config sync runs, steady state: every `dueEvery`-th number's config is due for renewal in each run. */
export interface SyncSpec {
  /** Timed runs, after one untimed run that writes every number. */
  runs: number;
  tableName: string;
  /** Of the numbers in the table, every dueEvery-th is made due for renewal before each timed run. */
  dueEvery: number;
  /** Age given to a due number's fetched_at, ms: past the renewal age, within its freshness. */
  dueAgeMs: number;
}

export interface SyncRun {
  /** The handler's call, ms. */
  ms: number;
  /** Process CPU time during it (user and system, all threads), ms. */
  cpuMs: number;
  /** The run's record line on stdout, bytes with its newline. */
  lineBytes: number;
  ok: boolean;
  written: number;
  unchanged: number;
  /** Configs written again because they were due: the run's PutItems. */
  renewed: number;
}
