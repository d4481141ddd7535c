//! `Lane`: the mails this worker has in hand (read and waiting here, being delivered, or
//! delivered but not yet recorded), so that concurrent deliveries never take the same mail
//! twice and a delivered mail is not sent again while its record waits for the database.

use std::collections::{HashMap, HashSet, VecDeque};
use tessera_core::Timestamp;
use tessera_core::ports::MailFailure;
use tessera_core::records::MailRecord;
use tokio::task::{Id, JoinError};

/// What became of one delivery.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Delivered; not yet recorded.
    Sent(i64, Timestamp),
    /// Failed; not yet recorded.
    Failed(i64, MailFailure),
    /// Recorded in the outbox.
    Recorded(i64),
}

impl Outcome {
    pub(crate) fn id(&self) -> i64 {
        match self {
            Self::Sent(id, _) | Self::Failed(id, _) | Self::Recorded(id) => *id,
        }
    }
}

#[derive(Default)]
pub(crate) struct Lane {
    waiting: VecDeque<MailRecord>,
    in_hand: HashSet<i64>,
    tasks: HashMap<Id, i64>,
    unrecorded: Vec<Outcome>,
}

impl Lane {
    /// Mails read and not yet started.
    pub(crate) fn queued(&self) -> usize {
        self.waiting.len()
    }

    #[cfg(test)]
    pub(crate) fn in_hand(&self) -> usize {
        self.in_hand.len()
    }

    /// Take the mails of `batch` that are not in hand already; how many that was.
    pub(crate) fn queue(&mut self, batch: Vec<MailRecord>) -> usize {
        let before = self.waiting.len();
        for record in batch {
            if self.in_hand.insert(record.id) {
                self.waiting.push_back(record);
            }
        }
        self.waiting.len() - before
    }

    pub(crate) fn next(&mut self) -> Option<MailRecord> {
        self.waiting.pop_front()
    }

    pub(crate) fn started(&mut self, task: Id, mail: i64) {
        self.tasks.insert(task, mail);
    }

    /// A delivery task ended: its mail leaves the lane once its outcome is recorded. A task
    /// that panicked or was cancelled recorded nothing: its mail is due again.
    pub(crate) fn finished(&mut self, done: Result<(Id, Outcome), JoinError>) {
        match done {
            Ok((task, outcome)) => {
                self.tasks.remove(&task);
                match outcome {
                    Outcome::Recorded(id) => self.recorded(id),
                    pending => self.unrecorded.push(pending),
                }
            }
            Err(e) => {
                if e.is_panic() {
                    tracing::error!("a mail delivery panicked");
                }
                if let Some(mail) = self.tasks.remove(&e.id()) {
                    self.in_hand.remove(&mail);
                }
            }
        }
    }

    /// The outcomes still to be recorded (taken out; hand back those that fail again).
    pub(crate) fn unrecorded(&mut self) -> Vec<Outcome> {
        std::mem::take(&mut self.unrecorded)
    }

    pub(crate) fn still_unrecorded(&mut self, outcome: Outcome) {
        self.unrecorded.push(outcome);
    }

    pub(crate) fn recorded(&mut self, mail: i64) {
        self.in_hand.remove(&mail);
    }

    /// The mails taken and never delivered (waiting, or their delivery abandoned), taken out
    /// of the lane: their claims are to be let go.
    pub(crate) fn undelivered(&mut self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.waiting.drain(..).map(|r| r.id).collect();
        ids.extend(self.tasks.drain().map(|(_, mail)| mail));
        for id in &ids {
            self.in_hand.remove(id);
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64) -> MailRecord {
        MailRecord {
            id,
            kind: "activation".into(),
            recipient: "a@x.io".into(),
            context: "{}".into(),
            attempts: 0,
        }
    }

    #[test]
    fn a_mail_in_hand_is_not_taken_again_until_its_outcome_is_recorded() {
        let mut lane = Lane::default();
        assert_eq!(lane.queue(vec![record(1), record(2)]), 2);
        assert_eq!(lane.queue(vec![record(1), record(2), record(3)]), 1);
        let first = lane.next().unwrap();
        assert_eq!(first.id, 1);
        // Delivered, but the database did not take the record: still in hand.
        lane.still_unrecorded(Outcome::Sent(1, Timestamp(5)));
        assert_eq!(lane.queue(vec![record(1)]), 0);
        let pending = lane.unrecorded();
        assert_eq!(pending.len(), 1);
        lane.recorded(pending[0].id());
        assert_eq!(lane.queue(vec![record(1)]), 1);
        assert_eq!(lane.in_hand(), 3);
    }
}
