//! `Threads`: the hasher's own threads, one per slot, each taking the next queued job the
//! moment it is done with one; the jobs queued and computing counted.

use super::hasher::HashError;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// One hash (or verification), with what it answers to.
type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashLoad {
    /// Jobs waiting for a thread.
    pub waiting: usize,
    /// Jobs computing.
    pub running: usize,
}

/// A fixed set of threads fed from one queue. A thread done with a job takes the next queued
/// one without a hop through the async runtime (with `spawn_blocking` behind a semaphore, a
/// freed permit first woke the next request's task, which then woke a blocking thread: the
/// core stood idle between hashes during a burst). Started with the first job, so a process
/// that never checks a password has none; they end when the hasher is dropped.
pub(super) struct Threads {
    count: usize,
    queue: Mutex<Option<Sender<Job>>>,
    waiting: Arc<AtomicUsize>,
    running: Arc<AtomicUsize>,
}

impl Threads {
    pub(super) fn new(count: usize) -> Self {
        Self {
            count: count.max(1),
            queue: Mutex::new(None),
            waiting: Arc::default(),
            running: Arc::default(),
        }
    }

    /// How many jobs wait for a thread and how many compute, now.
    pub(super) fn load(&self) -> HashLoad {
        HashLoad {
            waiting: self.waiting.load(Ordering::Relaxed),
            running: self.running.load(Ordering::Relaxed),
        }
    }

    /// Run `job` on the next free thread: its answer and how long it computed. A job whose
    /// request was given up (its client gone) before a thread took it is skipped; one
    /// already computing runs on, its thread (and buffer) taken until it is done.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<(T, Duration), HashError> {
        let (answer, answered) = oneshot::channel();
        let waiting = Count::new(&self.waiting);
        let running = self.running.clone();
        let queued = move || {
            drop(waiting);
            if answer.is_closed() {
                return;
            }
            let done = {
                let _running = Count::new(&running);
                let started = Instant::now();
                (job(), started.elapsed())
            };
            let _ = answer.send(done);
        };
        self.submit(Box::new(queued))?;
        answered
            .await
            .map_err(|_| HashError::Failed("the hashing job did not finish".into()))
    }

    fn submit(&self, job: Job) -> Result<(), HashError> {
        let mut queue = self.queue.lock().map_err(|_| HashError::PoolClosed)?;
        if queue.is_none() {
            *queue = Some(self.start()?);
        }
        let sender = queue.as_ref().ok_or(HashError::PoolClosed)?;
        sender.send(job).map_err(|_| HashError::PoolClosed)
    }

    fn start(&self) -> Result<Sender<Job>, HashError> {
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
            return Err(HashError::PoolClosed);
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

/// One job counted while it lives (a job queued and dropped unrun included).
struct Count(Arc<AtomicUsize>);

impl Count {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count.clone())
    }
}

impl Drop for Count {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    #[tokio::test]
    async fn runs_jobs_on_as_many_threads_and_survives_a_panic() {
        let threads = Threads::new(2);
        assert!(matches!(
            threads.run(|| panic!("a job that panics")).await,
            Err(HashError::Failed(_))
        ));
        let mut seen = Vec::new();
        for i in 0..4 {
            let (out, _) = threads
                .run(move || (i, std::thread::current().id()))
                .await
                .unwrap();
            seen.push(out);
        }
        assert_eq!(
            seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert!(seen.iter().all(|(_, t)| *t != std::thread::current().id()));
    }

    /// Whether the load reaches `want`, within 5 s.
    async fn load_becomes(threads: &Threads, want: impl Fn(HashLoad) -> bool) -> bool {
        for _ in 0..500 {
            if want(threads.load()) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    type Busy = tokio::task::JoinHandle<Result<(Result<(), mpsc::RecvError>, Duration), HashError>>;

    /// One thread, busy with a job that ends when the sender is used.
    async fn one_busy_thread() -> (Arc<Threads>, mpsc::Sender<()>, Busy) {
        let threads = Arc::new(Threads::new(1));
        let (release, wait) = mpsc::channel::<()>();
        let t = threads.clone();
        let task = tokio::spawn(async move { t.run(move || wait.recv()).await });
        assert!(
            load_becomes(&threads, |l| l.running == 1).await,
            "the job started"
        );
        (threads, release, task)
    }

    #[tokio::test]
    async fn a_job_given_up_keeps_its_slot_until_it_is_done() {
        let (threads, release, task) = one_busy_thread().await;
        // Its request is given up (the client left): the job runs on, in its slot.
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(threads.load().running, 1);
        release.send(()).unwrap();
        assert!(
            load_becomes(&threads, |l| l.running == 0).await,
            "the slot is free once the job is done"
        );
    }

    #[tokio::test]
    async fn a_job_given_up_before_it_starts_is_not_run() {
        let (threads, release, first) = one_busy_thread().await;
        let ran = Arc::new(AtomicBool::new(false));
        let (t, flag) = (threads.clone(), ran.clone());
        let second =
            tokio::spawn(async move { t.run(move || flag.store(true, Ordering::SeqCst)).await });
        assert!(
            load_becomes(&threads, |l| l.waiting == 1).await,
            "the second job waits"
        );
        second.abort();
        assert!(second.await.unwrap_err().is_cancelled());
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap().0.is_ok());
        // A job queued after the given-up one runs, so the given-up one was taken and skipped.
        assert_eq!(threads.run(|| 7).await.unwrap().0, 7);
        assert!(!ran.load(Ordering::SeqCst), "the given-up job never ran");
        assert_eq!(threads.load(), HashLoad::default());
    }
}
