//! What the import tells its operator: progress while it runs (a bar on a terminal, plain
//! lines otherwise) and, per kind of row, how many were read, taken in, already present and
//! skipped, each skip by row with its reason.

use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use tessera_core::accounts::Imported;

/// Skipped rows listed one by one per kind; past this, only counted by reason.
const LISTED: usize = 50;

/// The counts of one kind of row.
#[derive(Debug)]
pub struct Tally {
    pub kind: &'static str,
    pub read: u64,
    pub new: u64,
    pub present: u64,
    pub skipped: u64,
    /// Rows deliberately left behind (no skip): why, and how many.
    pub ignored: BTreeMap<String, u64>,
    /// What the rows taken in lost on the way (settings Tessera does not keep).
    pub notes: Vec<String>,
    by_reason: BTreeMap<String, u64>,
    listed: Vec<String>,
}

impl Tally {
    pub fn new(kind: &'static str) -> Self {
        Self {
            kind,
            read: 0,
            new: 0,
            present: 0,
            skipped: 0,
            ignored: BTreeMap::new(),
            notes: Vec::new(),
            by_reason: BTreeMap::new(),
            listed: Vec::new(),
        }
    }

    pub fn count(&mut self, row: &str, outcome: &Imported) {
        match outcome {
            Imported::New => self.new += 1,
            Imported::Present => self.present += 1,
            Imported::Skipped(why) => self.skip(row, why.kind(), &why.to_string()),
        }
    }

    /// A row not taken in: `kind` counts it, `reason` says why for this row.
    pub fn skip(&mut self, row: &str, kind: &str, reason: &str) {
        self.skipped += 1;
        *self.by_reason.entry(kind.to_owned()).or_default() += 1;
        if self.listed.len() < LISTED {
            self.listed.push(format!("  skipped {row}: {reason}"));
        }
    }

    pub fn ignore(&mut self, why: &str) {
        *self.ignored.entry(why.to_owned()).or_default() += 1;
    }

    /// The report's lines for this kind.
    pub fn lines(&self, dry_run: bool) -> Vec<String> {
        let verb = if dry_run { "to import" } else { "imported" };
        let mut out = vec![format!(
            "{}: read {}, {verb} {}, already present {}, skipped {}",
            self.kind, self.read, self.new, self.present, self.skipped
        )];
        out.extend(self.listed.iter().cloned());
        if self.skipped as usize > self.listed.len() {
            for (reason, n) in &self.by_reason {
                out.push(format!("  skipped in all: {n} ({reason})"));
            }
        }
        for (why, n) in &self.ignored {
            out.push(format!("  not carried over ({n}): {why}"));
        }
        out.extend(self.notes.iter().map(|note| format!("  note: {note}")));
        out
    }
}

/// Progress: a bar on a terminal, a plain line per batch otherwise (both on standard error).
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn start(kind: &str, total: u64) -> Self {
        if !std::io::stderr().is_terminal() {
            eprintln!("{kind}: {total} to read");
            return Self { bar: None };
        }
        let bar = ProgressBar::new(total);
        let style =
            ProgressStyle::with_template("{prefix:>14} [{bar:40}] {pos}/{len} {per_sec} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(kind.to_owned());
        Self { bar: Some(bar) }
    }

    pub fn advance(&self, kind: &str, done: u64, total: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(done),
            None => eprintln!("{kind}: {done}/{total}"),
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
