//! `Threads`: the hasher's own threads, one per slot, each taking the next queued job the
//! moment it is done with one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// One hash (or verification), with what it answers to.
pub(super) type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads fed from one queue. A thread done with a job takes the next queued
/// one without a hop through the async runtime (with `spawn_blocking` behind a semaphore, a
/// freed permit first woke the next request's task, which then woke a blocking thread: the
/// core stood idle between hashes during a burst). Started with the first job, so a process
/// that never checks a password has none; they end when the hasher is dropped.
pub(super) struct Threads {
    count: usize,
    queue: Mutex<Option<Sender<Job>>>,
}

/// The threads could not be started (the system refused a new thread).
#[derive(Debug)]
pub(super) struct Unavailable;

impl Threads {
    pub(super) fn new(count: usize) -> Self {
        Self {
            count: count.max(1),
            queue: Mutex::new(None),
        }
    }

    /// Queue `job` for the next free thread.
    pub(super) fn submit(&self, job: Job) -> Result<(), Unavailable> {
        let mut queue = self.queue.lock().map_err(|_| Unavailable)?;
        if queue.is_none() {
            *queue = Some(self.start()?);
        }
        let sender = queue.as_ref().ok_or(Unavailable)?;
        sender.send(job).map_err(|_| Unavailable)
    }

    fn start(&self) -> Result<Sender<Job>, Unavailable> {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let started = (0..self.count)
            .filter(|_| {
                let receiver = receiver.clone();
                std::thread::Builder::new()
                    .name("tessera-hash".into())
                    .spawn(move || work(&receiver))
                    .is_ok()
            })
            .count();
        if started == 0 {
            return Err(Unavailable);
        }
        if started < self.count {
            tracing::warn!(
                started,
                wanted = self.count,
                "fewer hashing threads than slots"
            );
        }
        Ok(sender)
    }
}

/// Run queued jobs until the queue is closed. A panicking job answers nothing (its caller
/// sees its answer channel closed) and the thread goes on with the next.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let next = match queue.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn runs_jobs_on_as_many_threads_and_survives_a_panic() {
        let threads = Threads::new(2);
        let (done, results) = mpsc::channel();
        threads
            .submit(Box::new(|| panic!("a job that panics")))
            .unwrap();
        for i in 0..4 {
            let done = done.clone();
            let job = move || done.send((i, std::thread::current().id())).unwrap();
            threads.submit(Box::new(job)).unwrap();
        }
        let mut seen: Vec<_> = (0..4).map(|_| results.recv().unwrap()).collect();
        seen.sort_by_key(|(i, _)| *i);
        assert_eq!(
            seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert!(seen.iter().all(|(_, t)| *t != std::thread::current().id()));
    }
}
