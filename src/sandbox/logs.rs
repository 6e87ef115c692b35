//! Tier 2 and Tier 3 logs for a sandbox: a day of traffic as multi-step
//! traces (docs/format.md), with the stories an operator
//! practises on: two event loop blocks (T007) with restarts, a database
//! outage (T002), and the `llm_api` breaker opening (T010) and staying open.
//!
//! The day is cut into time slices generated in parallel, each from its own
//! random stream, so the output is the same whatever the thread count. A
//! trace may run past the end of its slice; those lines are carried into the
//! next slice before writing, so every file is in timestamp order.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::json::{J, ts};
use super::rng::Rng;
use crate::error::{Context, Result};

pub const HOUR: i64 = 3_600_000;
pub const MIN: i64 = 60_000;

/// One session of the pool traces draw from.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user: &'static str,
    pub ip: String,
    pub created: i64,
    pub last_seen: i64,
}

pub const USERS: [&str; 6] = ["admin", "alice", "bob", "carol", "ops-bot", "svc-ingest"];
pub const TASK_TYPES: [&str; 6] = [
    "analysis",
    "summarize",
    "classify",
    "extract",
    "embed",
    "report",
];
const MODELS: [&str; 3] = ["talos-large-2", "talos-small-1", "talos-embed-3"];

/// A task a trace worked on; it also becomes a row of the `tasks` table.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub priority: i64,
    pub correlation_id: String,
    pub created: i64,
    pub updated: i64,
}

/// Everything about the day that more than one slice needs to agree on.
#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: u64,
    pub now: i64,
    pub start: i64,
    pub slices: usize,
    pub traces_per_slice: usize,
    pub sessions: Vec<Session>,
    /// Event loop blocks: (start, correlation id). Each ends in a restart
    /// 40 s after its start.
    pub blocks: Vec<(i64, String)>,
    /// The `llm_api` breaker opens here (whole second) and stays open.
    pub breaker_open: i64,
    pub breaker_cid: String,
    /// Failed half-open probes of `llm_api` after it opened.
    pub probes: Vec<i64>,
    /// The database outage (T002) that opened and closed the `database` breaker.
    pub db_outage: i64,
    pub db_cid: String,
    pub pids: Vec<i64>,
    pub gzip_level: u32,
}

pub const BLOCK_RESTART_AFTER: i64 = 40_000;

impl Plan {
    pub fn new(seed: u64, now: i64, large: bool) -> Plan {
        let mut rng = Rng::stream(seed, 1);
        let start = now - 24 * HOUR;
        let n_sessions = if large { 200 } else { 16 };
        let sessions = (0..n_sessions)
            .map(|i| {
                let created = now - rng.range(2 * HOUR, 30 * HOUR);
                // The first few are active (seen in the last minutes).
                let last_seen = if i < 5 {
                    now - rng.range(10_000, 20 * MIN)
                } else {
                    (created + rng.range(5 * MIN, 2 * HOUR)).min(now - 30 * MIN)
                };
                Session {
                    id: rng.hex(32),
                    user: rng.pick::<&str>(&USERS),
                    ip: format!("10.0.{}.{}", rng.range(1, 9), rng.range(2, 250)),
                    created,
                    last_seen,
                }
            })
            .collect();
        let blocks = vec![
            (now - 14 * HOUR - 10 * MIN + rng.range(0, MIN), rng.hex(16)),
            (now - 100 * MIN + rng.range(0, MIN), rng.hex(16)),
        ];
        let breaker_open = (now - 25 * MIN + rng.range(0, MIN)) / 1000 * 1000;
        let probes = (1..)
            .map(|k| breaker_open + k * 5 * MIN)
            .take_while(|t| *t < now - MIN)
            .collect();
        let db_outage = now - 6 * HOUR + rng.range(0, 10 * MIN);
        let base = rng.range(1200, 30000);
        let pids = vec![
            base,
            base + rng.range(50, 900),
            base + rng.range(1000, 3000),
        ];
        Plan {
            seed,
            now,
            start,
            slices: if large { 288 } else { 48 },
            traces_per_slice: if large { 1150 } else { 12 },
            sessions,
            blocks,
            breaker_open,
            breaker_cid: rng.hex(16),
            probes,
            db_outage,
            db_cid: rng.hex(16),
            pids,
            gzip_level: if large { 1 } else { 6 },
        }
    }

    pub fn slice_ms(&self) -> i64 {
        (self.now - self.start) / self.slices as i64
    }

    pub fn slice_start(&self, i: usize) -> i64 {
        self.start + i as i64 * self.slice_ms()
    }

    fn slice_end(&self, i: usize) -> i64 {
        if i + 1 == self.slices {
            i64::MAX
        } else {
            self.slice_start(i + 1)
        }
    }

    /// 0 for `orchestrator.log.2.gz`, 1 for `.log.1`, 2 for the current file.
    fn file_of(&self, i: usize) -> usize {
        i * 3 / self.slices
    }

    /// The daemon's PID at a time: it changes at each block restart.
    pub fn pid_at(&self, t: i64) -> i64 {
        let restarts = self
            .blocks
            .iter()
            .filter(|(b, _)| t >= b + BLOCK_RESTART_AFTER)
            .count();
        self.pids[restarts]
    }

    /// The PID of the daemon's last run (the one a crash would leave behind).
    pub fn last_pid(&self) -> i64 {
        self.pids[self.blocks.len()]
    }

    /// The time the `llm_api` breaker last (re)opened.
    pub fn breaker_last_open(&self) -> i64 {
        self.probes.last().copied().unwrap_or(self.breaker_open)
    }
}

struct Line {
    ts: i64,
    tier3: bool,
    text: String,
}

#[derive(Default)]
struct Out {
    lines: Vec<Line>,
    tasks: Vec<TaskRow>,
    blocks: Vec<String>,
    traces: u64,
    example: Option<String>,
}

/// What writing the logs produced.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct LogStats {
    pub traces: u64,
    pub tier2_lines: u64,
    pub tier3_lines: u64,
    pub malformed: Vec<(String, u64)>,
    pub bytes: u64,
    pub block_events: u64,
    /// A recent task trace with children, grandchildren and a follow-up.
    pub example_trace: Option<String>,
}

/// File names of the Tier 2 files, oldest first, and of Tier 3 (names
/// that `logs::tier_files` lists as rotations 2, 1, 0 and Tier 3's current
/// file; a unit test there holds them to it).
pub const TIER2_FILES: [&str; 3] = [
    "orchestrator.log.2.gz",
    "orchestrator.log.1",
    "orchestrator.log",
];
pub const TIER3_FILE: &str = crate::logs::Tier::Debug.base_name();
pub const BLOCK_EVENTS_FILE: &str = "block_events.log";

enum Sink {
    Plain(std::io::BufWriter<std::fs::File>),
    Gz(Box<flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>>),
}

impl Sink {
    fn create(path: &Path, gz: Option<u32>) -> Result<Sink> {
        let f = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let w = std::io::BufWriter::with_capacity(1 << 20, f);
        Ok(match gz {
            None => Sink::Plain(w),
            Some(level) => Sink::Gz(Box::new(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::new(level),
            ))),
        })
    }
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(bytes),
            Sink::Gz(w) => w.write_all(bytes),
        }
    }
    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Plain(mut w) => w.flush(),
            Sink::Gz(w) => w.finish()?.flush(),
        }
    }
}

/// Where the deliberate malformed lines go: (slice, tier3, kind).
fn malformed_at(plan: &Plan) -> Vec<(usize, bool, Bad)> {
    let per = plan.slices / 3;
    vec![
        (per / 2, false, Bad::Truncated),
        (per + per / 3, false, Bad::Text),
        (per + 2 * per / 3, false, Bad::Truncated),
        (2 * per + per / 2, false, Bad::Truncated),
        (per + per / 2, true, Bad::Text),
        (2 * per + per / 4, true, Bad::Truncated),
    ]
}

#[derive(Clone, Copy)]
enum Bad {
    Text,
    Truncated,
}

/// Writes the Tier 2 files, `debug.log` and `block_events.log` into
/// `log_dir`; returns the tasks the traces worked on, in time order.
pub fn write_logs(
    plan: &Plan,
    log_dir: &Path,
    progress: &dyn Fn(u64),
) -> Result<(LogStats, Vec<TaskRow>)> {
    let paths: Vec<PathBuf> = TIER2_FILES.iter().map(|n| log_dir.join(n)).collect();
    let mut tier2: Vec<Option<Sink>> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        tier2.push(Some(Sink::create(p, (i == 0).then_some(plan.gzip_level))?));
    }
    let mut tier3 = Sink::create(&log_dir.join(TIER3_FILE), None)?;
    let mut stats = LogStats::default();
    let mut malformed = [0u64; 4];
    let bad = malformed_at(plan);
    let mut tasks = Vec::new();
    let mut block_lines = Vec::new();
    let mut carry: Vec<Line> = Vec::new();
    let mut current_file = 0usize;

    let batch = rayon::current_num_threads().max(1) * 4;
    let indices: Vec<usize> = (0..plan.slices).collect();
    for group in indices.chunks(batch) {
        let outs: Vec<Out> = group.par_iter().map(|&i| gen_slice(plan, i)).collect();
        for (&i, out) in group.iter().zip(outs) {
            let mut lines = std::mem::take(&mut carry);
            lines.extend(out.lines);
            lines.sort_by_key(|l| l.ts);
            let split = lines.partition_point(|l| l.ts < plan.slice_end(i));
            carry = lines.split_off(split);
            let file = plan.file_of(i);
            while current_file < file {
                if let Some(s) = tier2[current_file].take() {
                    s.finish().context("cannot write the Tier 2 log")?;
                }
                current_file += 1;
            }
            let sink2 = tier2[file].as_mut().expect("open Tier 2 file");
            let mut buf2 = Vec::with_capacity(1 << 20);
            let mut buf3 = Vec::with_capacity(1 << 20);
            let mut n2 = 0usize;
            let mut n3 = 0usize;
            let want: Vec<(bool, Bad)> = bad
                .iter()
                .filter(|(s, _, _)| *s == i)
                .map(|(_, t3, k)| (*t3, *k))
                .collect();
            let total2 = lines.iter().filter(|l| !l.tier3).count();
            let total3 = lines.len() - total2;
            for l in &lines {
                let (buf, n, total) = if l.tier3 {
                    (&mut buf3, &mut n3, total3)
                } else {
                    (&mut buf2, &mut n2, total2)
                };
                buf.extend_from_slice(l.text.as_bytes());
                buf.push(b'\n');
                *n += 1;
                if *n == total / 2 {
                    for (_, kind) in want.iter().filter(|(t3, _)| *t3 == l.tier3) {
                        buf.extend_from_slice(&bad_line(*kind, l, plan).into_bytes());
                        buf.push(b'\n');
                        if l.tier3 {
                            malformed[3] += 1;
                        } else {
                            malformed[file] += 1;
                        }
                    }
                }
            }
            stats.tier2_lines += total2 as u64;
            stats.tier3_lines += total3 as u64;
            stats.bytes += (buf2.len() + buf3.len()) as u64;
            sink2.write(&buf2).context("cannot write the Tier 2 log")?;
            tier3.write(&buf3).context("cannot write the Tier 3 log")?;
            progress((buf2.len() + buf3.len()) as u64);
            stats.traces += out.traces;
            tasks.extend(out.tasks);
            block_lines.extend(out.blocks);
            if out.example.is_some() && file == 2 {
                stats.example_trace = out.example;
            }
        }
    }
    for s in tier2.into_iter().flatten() {
        s.finish().context("cannot write the Tier 2 log")?;
    }
    tier3.finish().context("cannot write the Tier 3 log")?;

    let mut blocks = String::new();
    for l in &block_lines {
        blocks.push_str(l);
        blocks.push('\n');
    }
    std::fs::write(log_dir.join(BLOCK_EVENTS_FILE), blocks)
        .context("cannot write block_events.log")?;
    stats.block_events = block_lines.len() as u64;
    stats.malformed = TIER2_FILES
        .iter()
        .chain([TIER3_FILE].iter())
        .zip(malformed)
        .map(|(n, c)| (n.to_string(), c))
        .collect();
    tasks.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    Ok((stats, tasks))
}

fn bad_line(kind: Bad, after: &Line, plan: &Plan) -> String {
    match kind {
        // A crash mid-write: the first part of a real line, no closing brace.
        Bad::Truncated => {
            let mut cut = after.text.len() * 11 / 20;
            while !after.text.is_char_boundary(cut) {
                cut -= 1;
            }
            after.text[..cut].to_string()
        }
        // Something else wrote to the file: a plain-text line.
        Bad::Text => format!(
            "{} talos-orchestrator[{}]: WARNING: structured logger unavailable, falling back to plain text",
            &ts(after.ts)[..19],
            plan.pid_at(after.ts)
        ),
    }
}

/// The kind of trace a background start becomes, by weight.
#[derive(Clone, Copy)]
enum Kind {
    Task,
    Health,
    Checkpoint,
    Login,
    Config,
    Ssl,
    Permission,
    Disk,
    DbHiccup,
    LlmAuth,
}

fn pick_kind(rng: &mut Rng) -> Kind {
    let r = rng.below(1000);
    match r {
        0..700 => Kind::Task,
        700..820 => Kind::Health,
        820..880 => Kind::Checkpoint,
        880..920 => Kind::Login,
        920..935 => Kind::Config,
        935..950 => Kind::Ssl,
        950..960 => Kind::Permission,
        960..970 => Kind::Disk,
        970..990 => Kind::DbHiccup,
        _ => Kind::LlmAuth,
    }
}

fn gen_slice(plan: &Plan, i: usize) -> Out {
    let mut rng = Rng::stream(plan.seed, 1000 + i as u64);
    let s0 = plan.slice_start(i);
    let s1 = (s0 + plan.slice_ms()).min(plan.now - 90_000);
    let mut starts: Vec<i64> = (0..plan.traces_per_slice)
        .map(|_| rng.range(s0, s1))
        .collect();
    starts.sort_unstable();
    let mut out = Out::default();
    for t in starts {
        let cid = rng.hex(16);
        let kind = pick_kind(&mut rng);
        let mut tb = Tb {
            out: &mut out,
            rng: &mut rng,
            plan,
            cid,
            t,
            session: None,
        };
        tb.out.traces += 1;
        match kind {
            Kind::Task => {
                let phase = if t >= plan.breaker_open {
                    Phase::BreakerOpen
                } else {
                    Phase::Normal
                };
                tb.task(phase);
            }
            Kind::Health => tb.health(),
            Kind::Checkpoint => tb.checkpoint(),
            Kind::Login => tb.login(),
            Kind::Config => tb.config_reload(),
            Kind::Ssl => tb.ssl(),
            Kind::Permission => tb.permission(),
            Kind::Disk => tb.disk(),
            Kind::DbHiccup => tb.db_hiccup(),
            Kind::LlmAuth => tb.llm_auth(),
        }
    }
    let in_slice = |t: i64| t >= plan.slice_start(i) && t < plan.slice_start(i) + plan.slice_ms();
    // The stories: placed by time, generated by the slice they start in.
    for (b, cid) in &plan.blocks {
        if in_slice(*b) {
            out.traces += 1;
            Tb::new(&mut out, &mut rng, plan, cid.clone(), *b).event_loop_block();
        }
    }
    for k in 1..=5i64 {
        let start = plan.breaker_open - (5 - k) * 11_000 - 10_400;
        if in_slice(start) {
            out.traces += 1;
            let cid = if k == 5 {
                plan.breaker_cid.clone()
            } else {
                rng.hex(16)
            };
            Tb::new(&mut out, &mut rng, plan, cid, start).task(Phase::Failure(k));
        }
    }
    for p in &plan.probes {
        if in_slice(*p) {
            out.traces += 1;
            let cid = rng.hex(16);
            Tb::new(&mut out, &mut rng, plan, cid, *p).probe();
        }
    }
    if in_slice(plan.db_outage) {
        out.traces += 1;
        Tb::new(
            &mut out,
            &mut rng,
            plan,
            plan.db_cid.clone(),
            plan.db_outage,
        )
        .db_outage();
    }
    out.lines.sort_by_key(|l| l.ts);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Normal,
    /// The k-th of the five failures that open the breaker.
    Failure(i64),
    BreakerOpen,
}

struct ErrInfo {
    code: &'static str,
    kind: &'static str,
    recoverable: bool,
    stack: Option<&'static str>,
}

fn err(code: &'static str, kind: &'static str, recoverable: bool) -> Option<ErrInfo> {
    Some(ErrInfo {
        code,
        kind,
        recoverable,
        stack: None,
    })
}

fn err_st(
    code: &'static str,
    kind: &'static str,
    recoverable: bool,
    stack: &'static str,
) -> Option<ErrInfo> {
    Some(ErrInfo {
        code,
        kind,
        recoverable,
        stack: Some(stack),
    })
}

/// Where a Tier 3 line comes from.
struct Frame<'s> {
    cid: &'s str,
    parent: Option<&'s str>,
    depth: i64,
    component: &'static str,
    func: &'static str,
    line: i64,
    file: &'static str,
}

/// A value in a Tier 3 payload.
enum V<'s> {
    S(&'s str),
    I(i64),
    F(f64),
}

struct Tb<'a> {
    out: &'a mut Out,
    rng: &'a mut Rng,
    plan: &'a Plan,
    cid: String,
    t: i64,
    session: Option<Session>,
}

const ST_TIMEOUT: &str = "File \"src/core/task_executor.py\", line 212, in execute_task | File \"src/clients/llm_client.py\", line 64, in complete | File \"httpx/_client.py\", line 1013, in send | httpx.ReadTimeout: timed out after 10.0s";
const ST_DB: &str = "File \"src/core/state_manager.py\", line 203, in persist_result | File \"src/db/pool.py\", line 41, in acquire | sqlite3.OperationalError: unable to open database file";
const ST_PERM: &str = "File \"src/core/process_supervisor.py\", line 97, in load_plugin | File \"importlib/_bootstrap_external.py\", line 1186, in get_data | PermissionError: [Errno 13] Permission denied";
const ST_DISK: &str = "File \"src/backup/service.py\", line 155, in write_snapshot | File \"src/fs/atomic.py\", line 30, in write | OSError: [Errno 28] No space left on device";
const ST_CFG: &str = "File \"src/config/manager.py\", line 88, in reload | File \"yaml/parser.py\", line 439, in parse_block_mapping_key | yaml.parser.ParserError: mapping values are not allowed here";

impl<'a> Tb<'a> {
    fn new(out: &'a mut Out, rng: &'a mut Rng, plan: &'a Plan, cid: String, t: i64) -> Tb<'a> {
        Tb {
            out,
            rng,
            plan,
            cid,
            t,
            session: None,
        }
    }

    fn adv(&mut self, lo: i64, hi: i64) {
        self.t += self.rng.range(lo, hi);
    }

    fn child(&mut self, parent: &str) -> String {
        format!("{parent}:{}", self.rng.hex(8))
    }

    /// A Tier 2 (ops) line of this trace.
    fn t2(
        &mut self,
        level: &str,
        component: &str,
        msg: &str,
        dur: Option<f64>,
        error: Option<ErrInfo>,
    ) {
        let mut j = J::new();
        j.ts("timestamp", self.t)
            .s("level", level)
            .s("component", component)
            .s("message", msg)
            .s("correlation_id", &self.cid);
        j.open("context").s("request_id", &self.cid);
        if let Some(s) = &self.session {
            j.s("session_id", &s.id)
                .s("user_id", s.user)
                .s("source_ip", &s.ip);
        }
        j.close();
        j.open("metadata")
            .i("pid", self.plan.pid_at(self.t))
            .s("thread_id", &format!("worker-{}", self.rng.below(8)));
        if let Some(d) = dur {
            j.f("duration_ms", d);
        }
        j.f("memory_mb", self.rng.dec1(96.0, 480.0)).close();
        if let Some(e) = error {
            j.open("error").s("code", e.code).s("type", e.kind);
            if let Some(st) = e.stack {
                j.s("stack_trace", st);
            }
            j.b("recoverable", e.recoverable).close();
        }
        self.out.lines.push(Line {
            ts: self.t,
            tier3: false,
            text: j.finish(),
        });
    }

    /// A Tier 3 (debug) line; `entry` adds the `trace` timings of a call
    /// that ends now.
    fn t3(
        &mut self,
        f: &Frame,
        level: &str,
        msg: &str,
        payload: &[(&str, V)],
        raw: Option<&str>,
        entry: Option<i64>,
    ) {
        let mut j = J::new();
        j.ts("timestamp", self.t)
            .s("level", level)
            .s("component", f.component)
            .s("message", msg)
            .s("correlation_id", f.cid);
        j.open("context").s("request_id", &self.cid);
        if let Some(p) = f.parent {
            j.s("parent_correlation_id", p);
        }
        j.i("call_depth", f.depth)
            .s("function_name", f.func)
            .i("line_number", f.line)
            .s("file_path", f.file)
            .close();
        if !payload.is_empty() || raw.is_some() {
            j.open("payload");
            if !payload.is_empty() {
                j.open(if level == "TRACE" {
                    "intermediate_state"
                } else {
                    "input_params"
                });
                for (k, v) in payload {
                    match v {
                        V::S(s) => j.s(k, s),
                        V::I(n) => j.i(k, *n),
                        V::F(x) => j.f(k, *x),
                    };
                }
                j.close();
            }
            if let Some(r) = raw {
                j.s("raw_response", r);
            }
            j.close();
        }
        j.open("performance")
            .f("cpu_percent", self.rng.dec1(0.5, 95.0))
            .f("memory_rss_mb", self.rng.dec1(60.0, 400.0))
            .close();
        if let Some(e) = entry {
            j.open("trace")
                .ts("entry_time", e)
                .ts("exit_time", self.t)
                .close();
        }
        self.out.lines.push(Line {
            ts: self.t,
            tier3: true,
            text: j.finish(),
        });
    }

    /// One task's trace: submitted, scheduled, executed (or deferred by
    /// the open breaker, or timed out), persisted, maybe a follow-up. The
    /// steps draw from the generator in this order; keep it (a seed makes
    /// the same sandbox).
    fn task(&mut self, phase: Phase) {
        let start = self.t;
        let cid = self.cid.clone();
        let (id, kind, prio) = self.task_submitted();
        let e1 = self.t;
        let exec = Frame {
            cid: &cid,
            parent: None,
            depth: 1,
            component: "task_executor",
            func: "execute_task",
            line: 156,
            file: "src/core/task_executor.py",
        };
        self.t3(
            &exec,
            "DEBUG",
            "Entering task execution pipeline",
            &[("task_id", V::S(&id)), ("task_type", V::S(kind))],
            None,
            None,
        );
        let mut row = TaskRow {
            id: id.clone(),
            kind,
            status: "completed",
            priority: prio,
            correlation_id: cid.clone(),
            created: start,
            updated: start,
        };
        if phase == Phase::BreakerOpen {
            self.task_deferred(&exec, e1, &id);
            row.status = "pending";
            row.updated = self.t;
            self.out.tasks.push(row);
            return;
        }
        let model = *self.rng.pick(&MODELS);
        let c1 = self.child(&cid);
        let llm = Frame {
            cid: &c1,
            parent: Some(&cid),
            depth: 2,
            component: "llm_client",
            func: "complete",
            line: 64,
            file: "src/clients/llm_client.py",
        };
        self.adv(5, 40);
        let e2 = self.t;
        let prompt_tokens = self.rng.range(80, 4000);
        self.t3(
            &llm,
            "DEBUG",
            &format!("Calling LLM API model={model}"),
            &[
                ("model", V::S(model)),
                ("max_tokens", V::I(1024)),
                ("prompt_tokens", V::I(prompt_tokens)),
            ],
            None,
            None,
        );
        if let Phase::Failure(k) = phase {
            self.task_timed_out(&llm, &cid, e2, start, k);
            row.status = "failed";
            row.updated = self.t;
            self.out.tasks.push(row);
            return;
        }
        let tokens = self.llm_response(&llm, e2, kind, &id);
        if self.rng.chance(0.6) {
            self.persist_result(&cid, &id, tokens);
        }
        self.adv(1, 10);
        self.t3(
            &exec,
            "DEBUG",
            "Leaving task execution pipeline",
            &[],
            None,
            Some(e1),
        );
        self.task_completed(start, &id);
        row.updated = self.t;
        // A follow-up with its own id, linked by parent_correlation_id.
        if self.rng.chance(0.15) {
            self.followup(&cid, &id, start);
        }
        self.out.tasks.push(row);
    }

    /// The web GUI accepts a task and the orchestrator schedules it.
    fn task_submitted(&mut self) -> (String, &'static str, i64) {
        let id = format!("task_{:011x}{:03x}", self.t, self.rng.below(4096));
        let kind = *self.rng.pick(&TASK_TYPES);
        let prio = self.rng.range(1, 6);
        let sess = self.rng.pick(&self.plan.sessions).clone();
        self.session = Some(sess);
        let cid = self.cid.clone();
        let web = Frame {
            cid: &cid,
            parent: None,
            depth: 0,
            component: "web_gui",
            func: "handle_submit",
            line: 42,
            file: "src/web/api.py",
        };
        self.t2(
            "INFO",
            "web_gui",
            &format!("Task submission accepted: {id} ({kind})"),
            None,
            None,
        );
        self.t3(
            &web,
            "DEBUG",
            "POST /api/v1/tasks",
            &[("task_type", V::S(kind)), ("priority", V::I(prio))],
            None,
            None,
        );
        self.session = None;
        self.adv(1, 15);
        self.t2(
            "INFO",
            "orchestrator",
            &format!("Task {id} scheduled with priority {prio}"),
            None,
            None,
        );
        self.adv(2, 50);
        (id, kind, prio)
    }

    /// The breaker is open: the LLM call is short-circuited, the task waits.
    fn task_deferred(&mut self, exec: &Frame, e1: i64, id: &str) {
        self.adv(1, 4);
        self.t3(
            exec,
            "TRACE",
            "llm_api call short-circuited: breaker open",
            &[("breaker", V::S("llm_api")), ("state", V::S("open"))],
            None,
            Some(e1),
        );
        self.t2(
            "WARN",
            "orchestrator",
            &format!("Circuit breaker llm_api is open; task {id} deferred"),
            None,
            err("T010", "CircuitBreakerOpen", true),
        );
    }

    /// The `k`th LLM failure in a row; the fifth opens the breaker.
    fn task_timed_out(&mut self, llm: &Frame, cid: &str, e2: i64, start: i64, k: i64) {
        self.adv(10_000, 10_100);
        self.t3(
            llm,
            "TRACE",
            "LLM API request timed out",
            &[("timeout_ms", V::I(10_000)), ("attempt", V::I(1))],
            None,
            Some(e2),
        );
        self.t2(
            "ERROR",
            "orchestrator",
            &format!("LLM API request timed out after 10000 ms (llm_api failure {k}/5)"),
            Some((self.t - start) as f64),
            err_st("T004", "TaskTimeoutError", true, ST_TIMEOUT),
        );
        if k != 5 {
            return;
        }
        self.t = self.t.max(self.plan.breaker_open);
        let br = Frame {
            cid,
            parent: None,
            depth: 1,
            component: "orchestrator",
            func: "record_failure",
            line: 311,
            file: "src/core/circuit_breaker.py",
        };
        self.t3(
            &br,
            "DEBUG",
            "breaker llm_api: closed -> open",
            &[
                ("failure_count", V::I(5)),
                ("failure_threshold", V::I(5)),
                ("recovery_timeout_s", V::I(60)),
            ],
            None,
            None,
        );
        self.t2(
            "ERROR",
            "orchestrator",
            "Circuit breaker llm_api opened after 5 consecutive failures",
            None,
            err("T010", "CircuitBreakerOpen", true),
        );
    }

    /// The LLM answers after a latency with a long tail; returns the tokens
    /// used.
    fn llm_response(&mut self, llm: &Frame, e2: i64, kind: &str, id: &str) -> i64 {
        // A long tail of latencies, as LLM calls have.
        let lat = if self.rng.chance(0.08) {
            self.rng.range(3000, 9000)
        } else {
            self.rng.range(150, 2500)
        };
        self.adv(lat, lat + 1);
        let tokens = self.rng.range(20, 900);
        let resp = format!(
            "{{\"choices\":[{{\"message\":{{\"content\":\"{} complete for {id}\"}}}}],\"usage\":{{\"total_tokens\":{tokens}}}}}",
            kind
        );
        let handle = Frame {
            func: "_handle_response",
            line: 89,
            ..*llm
        };
        self.t3(
            &handle,
            "TRACE",
            "LLM API response received",
            &[
                ("tokens_used", V::I(tokens)),
                ("response_time_ms", V::I(self.t - e2)),
            ],
            Some(&resp),
            Some(e2),
        );
        tokens
    }

    /// The state manager persists the result: a nested SQLite write.
    fn persist_result(&mut self, cid: &str, id: &str, tokens: i64) {
        let c2 = self.child(cid);
        let persist = Frame {
            cid: &c2,
            parent: Some(cid),
            depth: 2,
            component: "state_manager",
            func: "persist_result",
            line: 203,
            file: "src/core/state_manager.py",
        };
        self.adv(1, 6);
        let e3 = self.t;
        self.t3(
            &persist,
            "DEBUG",
            "Persisting task result",
            &[("task_id", V::S(id)), ("bytes", V::I(tokens * 4))],
            None,
            None,
        );
        let c3 = self.child(&c2);
        let write = Frame {
            cid: &c3,
            parent: Some(&c2),
            depth: 3,
            component: "state_manager",
            func: "_sqlite_write",
            line: 251,
            file: "src/core/state_manager.py",
        };
        self.adv(1, 25);
        let frames = self.rng.range(1, 9);
        self.t3(
            &write,
            "TRACE",
            "SQLite write committed",
            &[("rows", V::I(1)), ("wal_frames", V::I(frames))],
            None,
            Some(e3),
        );
    }

    /// The orchestrator's summary: slow (sometimes warned), then completed.
    fn task_completed(&mut self, start: i64, id: &str) {
        let dur = (self.t - start) as f64 + self.rng.dec1(0.0, 1.0);
        if dur > 3000.0 && self.rng.chance(0.5) {
            self.t2(
                "WARN",
                "orchestrator",
                &format!("Task {id} slow: {dur:.1} ms (threshold 3000 ms)"),
                Some(dur),
                err("T004", "TaskSlow", true),
            );
        }
        self.t2(
            "INFO",
            "orchestrator",
            "Task execution completed successfully",
            Some(dur),
            None,
        );
    }

    /// A follow-up indexing task with its own correlation id; the last
    /// daemon's first one is the example trace.
    fn followup(&mut self, cid: &str, id: &str, start: i64) {
        let c4 = self.rng.hex(16);
        let spawn = Frame {
            cid: &c4,
            parent: Some(cid),
            depth: 1,
            component: "orchestrator",
            func: "spawn_followup",
            line: 402,
            file: "src/core/orchestrator.py",
        };
        self.adv(1, 20);
        let e4 = self.t;
        self.t3(
            &spawn,
            "DEBUG",
            "Spawned follow-up indexing task",
            &[("parent_task", V::S(id))],
            None,
            None,
        );
        self.adv(40, 400);
        let index = Frame {
            depth: 2,
            component: "task_executor",
            func: "update_index",
            line: 77,
            file: "src/core/indexer.py",
            ..spawn
        };
        self.t3(
            &index,
            "DEBUG",
            "Index updated",
            &[("documents", V::I(1))],
            None,
            Some(e4),
        );
        if self.plan.pid_at(start) == self.plan.last_pid() {
            self.out.example = Some(cid.to_string());
        }
    }

    fn health(&mut self) {
        let cid = self.cid.clone();
        let start = self.t;
        let f = Frame {
            cid: &cid,
            parent: None,
            depth: 1,
            component: "health_check",
            func: "run_checks",
            line: 77,
            file: "src/health/health_check.py",
        };
        self.t3(&f, "DEBUG", "Running health checks", &[], None, None);
        let c1 = self.child(&cid);
        let db = Frame {
            cid: &c1,
            parent: Some(&cid),
            depth: 2,
            component: "health_check",
            func: "check_database",
            line: 120,
            file: "src/health/health_check.py",
        };
        let e = self.t;
        self.adv(1, 30);
        let rt = self.t - e;
        self.t3(
            &db,
            "TRACE",
            "Database check passed",
            &[("response_time_ms", V::I(rt)), ("quick_check", V::S("ok"))],
            None,
            Some(e),
        );
        self.adv(1, 5);
        let mem = self.rng.dec1(35.0, 68.0);
        self.t3(
            &f,
            "TRACE",
            "Memory check done",
            &[("memory_percent", V::F(mem))],
            None,
            Some(start),
        );
        let roll = self.rng.below(100);
        let dur = (self.t - start) as f64 + self.rng.dec1(0.0, 1.0);
        if roll < 8 {
            let m = self.rng.dec1(70.5, 89.0);
            self.t2(
                "WARN",
                "health_check",
                &format!("High memory usage detected: {m:.1}%"),
                Some(dur),
                err("T005", "MemoryPressure", true),
            );
        } else if roll < 10 {
            let m = self.rng.dec1(90.1, 97.0);
            self.t2(
                "ERROR",
                "health_check",
                &format!("Memory limit exceeded: {m:.1}% of 2048 MB; rejecting new tasks"),
                Some(dur),
                err("T005", "MemoryLimitExceeded", true),
            );
        } else {
            self.t2(
                "INFO",
                "health_check",
                &format!("Health check passed (memory {mem:.1}%)"),
                Some(dur),
                None,
            );
        }
    }

    fn checkpoint(&mut self) {
        let cid = self.cid.clone();
        let start = self.t;
        let f = Frame {
            cid: &cid,
            parent: None,
            depth: 1,
            component: "state_manager",
            func: "checkpoint",
            line: 240,
            file: "src/core/state_manager.py",
        };
        let n = self.rng.range(0, 40);
        self.t3(
            &f,
            "DEBUG",
            "Writing state checkpoint",
            &[("tasks", V::I(n))],
            None,
            None,
        );
        let c1 = self.child(&cid);
        let fs = Frame {
            cid: &c1,
            parent: Some(&cid),
            depth: 2,
            component: "state_manager",
            func: "write_atomic",
            line: 30,
            file: "src/fs/atomic.py",
        };
        self.adv(2, 60);
        self.t3(
            &fs,
            "TRACE",
            "fsync complete",
            &[("bytes", V::I(n * 512 + 300))],
            None,
            Some(start),
        );
        let dur = (self.t - start) as f64 + self.rng.dec1(0.0, 1.0);
        self.t2(
            "INFO",
            "state_manager",
            &format!("State checkpoint written ({n} tasks)"),
            Some(dur),
            None,
        );
    }

    fn login(&mut self) {
        let s = self.rng.pick(&self.plan.sessions).clone();
        let msg = format!("Session created for user {}", s.user);
        self.session = Some(s);
        let cid = self.cid.clone();
        let f = Frame {
            cid: &cid,
            parent: None,
            depth: 0,
            component: "web_gui",
            func: "login",
            line: 18,
            file: "src/web/auth.py",
        };
        self.t3(&f, "DEBUG", "POST /api/v1/auth/login", &[], None, None);
        self.adv(20, 200);
        self.t2("INFO", "web_gui", &msg, None, None);
    }

    fn config_reload(&mut self) {
        let cid = self.cid.clone();
        let start = self.t;
        let f = Frame {
            cid: &cid,
            parent: None,
            depth: 1,
            component: "config_manager",
            func: "reload",
            line: 88,
            file: "src/config/manager.py",
        };
        self.t3(
            &f,
            "DEBUG",
            "Reloading /etc/talos/config.yaml",
            &[("trigger", V::S("SIGHUP"))],
            None,
            None,
        );
        self.adv(2, 30);
        let dur = (self.t - start) as f64;
        if self.rng.chance(0.25) {
            self.t2(
                "ERROR",
                "config_manager",
                "Config parse error in /etc/talos/config.yaml line 14: mapping values are not allowed here; keeping the previous configuration",
                Some(dur),
                err_st("T001", "ConfigParseError", true, ST_CFG),
            );
        } else {
            self.t2(
                "INFO",
                "config_manager",
                "Configuration reloaded (no changes)",
                Some(dur),
                None,
            );
        }
    }

    fn ssl(&mut self) {
        let ip = format!("10.0.{}.{}", self.rng.range(1, 9), self.rng.range(2, 250));
        self.t2(
            "WARN",
            "web_gui",
            &format!("TLS handshake failed from {ip}: certificate verify failed (unknown CA)"),
            None,
            err("T008", "SSLError", true),
        );
    }

    fn permission(&mut self) {
        let cid = self.cid.clone();
        let f = Frame {
            cid: &cid,
            parent: None,
            depth: 1,
            component: "process_supervisor",
            func: "load_plugin",
            line: 97,
            file: "src/core/process_supervisor.py",
        };
        self.t3(
            &f,
            "DEBUG",
            "Loading plugin legacy_exporter",
            &[("path", V::S("/opt/talos/custom/plugins/legacy_exporter.py"))],
            None,
            None,
        );
        self.adv(1, 5);
        self.t2(
            "ERROR",
            "process_supervisor",
            "Permission denied: cannot open /opt/talos/custom/plugins/legacy_exporter.py",
            None,
            err_st("T009", "PermissionError", true, ST_PERM),
        );
    }

    fn disk(&mut self) {
        let start = self.t;
        self.adv(200, 3000);
        self.t2(
            "ERROR",
            "backup_service",
            "Disk write failed while writing snapshot: No space left on device",
            Some((self.t - start) as f64),
            err_st("T006", "OSError", true, ST_DISK),
        );
        self.adv(5, 20);
        self.t2(
            "WARN",
            "backup_service",
            "Snapshot postponed; retrying in 300 s",
            None,
            None,
        );
    }

    fn db_hiccup(&mut self) {
        let start = self.t;
        self.t2(
            "WARN",
            "state_manager",
            "Database connection failed: database is locked (retry 1/3)",
            None,
            err("T002", "OperationalError", true),
        );
        self.adv(100, 900);
        self.t2(
            "INFO",
            "state_manager",
            "Database connection re-established",
            Some((self.t - start) as f64),
            None,
        );
    }

    fn llm_auth(&mut self) {
        let cid = self.cid.clone();
        let c1 = self.child(&cid);
        let f = Frame {
            cid: &c1,
            parent: Some(&cid),
            depth: 2,
            component: "llm_client",
            func: "_handle_response",
            line: 89,
            file: "src/clients/llm_client.py",
        };
        let e = self.t;
        self.adv(30, 300);
        self.t3(
            &f,
            "TRACE",
            "LLM API error response",
            &[("status", V::I(401))],
            Some("{\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid api key\"}}"),
            Some(e),
        );
        self.t2(
            "ERROR",
            "orchestrator",
            "LLM API authentication failed: 401 Unauthorized",
            Some((self.t - e) as f64),
            err("T003", "LLMAuthError", false),
        );
    }

    fn probe(&mut self) {
        self.t2(
            "WARN",
            "orchestrator",
            "Circuit breaker llm_api half-open probe failed; open again for 60 s",
            None,
            err("T010", "CircuitBreakerOpen", true),
        );
    }

    fn db_outage(&mut self) {
        let cid = self.cid.clone();
        let start = self.t;
        for k in 1..=3 {
            let f = Frame {
                cid: &cid,
                parent: None,
                depth: 1,
                component: "state_manager",
                func: "persist_result",
                line: 203,
                file: "src/core/state_manager.py",
            };
            self.t3(
                &f,
                "DEBUG",
                "Opening database connection",
                &[
                    ("attempt", V::I(k)),
                    ("path", V::S("/var/lib/talos/db/talos.db")),
                ],
                None,
                None,
            );
            self.adv(50, 150);
            self.t2(
                "ERROR",
                "state_manager",
                &format!(
                    "Database connection failed: unable to open database file (attempt {k}/3)"
                ),
                None,
                err_st("T002", "OperationalError", true, ST_DB),
            );
            self.adv(4000, 6000);
        }
        self.t2(
            "ERROR",
            "state_manager",
            "Circuit breaker database opened after 3 consecutive failures",
            None,
            err("T010", "CircuitBreakerOpen", true),
        );
        self.adv(30_000, 30_500);
        self.t2(
            "INFO",
            "state_manager",
            "Circuit breaker database half-open probe succeeded; closed",
            Some((self.t - start) as f64),
            None,
        );
    }

    fn event_loop_block(&mut self) {
        let cid = self.cid.clone();
        let b = self.t;
        let f = Frame {
            cid: &cid,
            parent: None,
            depth: 1,
            component: "event_loop",
            func: "run_blocking_io",
            line: 51,
            file: "src/core/event_loop.py",
        };
        self.t3(
            &f,
            "DEBUG",
            "Synchronous call entered on the event loop: task_executor.pdf_extract",
            &[
                ("function", V::S("pdf_extract")),
                ("file_size_mb", V::I(212)),
            ],
            None,
            None,
        );
        self.t = b + 6_000 + self.rng.range(0, 900);
        let d1 = (self.t - b) as f64 / 1000.0;
        self.t2(
            "WARN",
            "watchdog",
            &format!("Event loop delay detected: {d1:.1}s"),
            None,
            err("T007", "EventLoopDelay", true),
        );
        self.t = b + 18_000 + self.rng.range(0, 900);
        let d2 = (self.t - b) as f64 / 1000.0;
        self.t2(
            "WARN",
            "watchdog",
            &format!("Event loop delay detected: {d2:.1}s"),
            None,
            err("T007", "EventLoopDelay", true),
        );
        self.t = b + 35_000 + self.rng.range(0, 400);
        let blocked = (self.t - b) as f64 / 1000.0;
        self.t2(
            "ERROR",
            "health_check",
            "Event loop blocked for 35 seconds",
            Some((self.t - b) as f64),
            err("T007", "EventLoopBlocked", false),
        );
        let mut ev = J::new();
        ev.ts("timestamp", self.t)
            .s("event_type", "event_loop_blocked")
            .f("block_duration_seconds", blocked)
            .i("threshold_seconds", 30)
            .s("correlation_id", &cid)
            .i("pid", self.plan.pid_at(b))
            .raw(
                "active_tasks",
                &format!(
                    "[{{\"function\":\"pdf_extract\",\"started_at\":\"{}\",\"state\":\"running\"}}]",
                    ts(b)
                ),
            )
            .open("memory_usage")
            .f("rss_mb", self.rng.dec1(300.0, 900.0))
            .f("percent", self.rng.dec1(40.0, 75.0))
            .close()
            .raw(
                "thread_dump",
                "[\"MainThread: src/core/event_loop.py:51 run_blocking_io\",\"MainThread: src/extract/pdf.py:233 pdf_extract\",\"watchdog: src/health/event_loop_watchdog.py:58 _monitor_loop\"]",
            );
        self.out.blocks.push(ev.finish());
        let c1 = self.child(&cid);
        let pres = Frame {
            cid: &c1,
            parent: Some(&cid),
            depth: 2,
            component: "state_manager",
            func: "create_emergency_preserve",
            line: 61,
            file: "src/core/state_preservation.py",
        };
        let e = self.t;
        self.adv(100, 350);
        self.t3(
            &pres,
            "DEBUG",
            "State preserved before restart",
            &[("reason", V::S("event loop blocked"))],
            None,
            Some(e),
        );
        self.t = self.t.max(b + 35_400);
        self.t2(
            "ERROR",
            "watchdog",
            "Triggering container restart",
            None,
            err("T007", "EventLoopBlocked", false),
        );
        self.t = b + BLOCK_RESTART_AFTER;
        let pid = self.plan.pid_at(self.t);
        self.t2(
            "INFO",
            "process_supervisor",
            &format!("Orchestrator started (pid {pid}) after event loop block restart"),
            None,
            None,
        );
        self.adv(200, 900);
        let n = self.rng.range(1, 5);
        self.t2(
            "INFO",
            "orchestrator",
            &format!("Recovered {n} in-flight tasks from the last checkpoint"),
            Some((self.t - b - BLOCK_RESTART_AFTER) as f64),
            None,
        );
    }
}
