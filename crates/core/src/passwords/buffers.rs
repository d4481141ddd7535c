//! `Buffers`: the Argon2 working memory the hasher reuses, and how it is given back to the
//! system once hashing stops.

use argon2::Block;
use std::sync::Mutex;

/// Reusable Argon2 working memory of one size (the configured cost). While hashes go on, a
/// buffer given back is kept for the next one (so a burst allocates one per running hash,
/// once); when the last running hash gives its buffer back, that one is kept and any other
/// idle one freed, so a burst of logins leaves one buffer behind, not one per thread.
pub(super) struct Buffers {
    blocks: usize,
    pool: Mutex<Pool>,
}

#[derive(Default)]
struct Pool {
    free: Vec<Vec<Block>>,
    /// Buffers of the pooled size taken and not given back yet.
    out: usize,
}

impl Buffers {
    pub(super) fn new(blocks: usize) -> Self {
        Self {
            blocks,
            pool: Mutex::default(),
        }
    }

    #[cfg(test)]
    pub(super) fn for_tests() -> Self {
        Self::new(0)
    }

    /// Buffers kept idle, now.
    #[cfg(test)]
    pub(super) fn idle(&self) -> usize {
        self.pool.lock().map_or(0, |pool| pool.free.len())
    }

    /// A buffer of `blocks` blocks: a pooled one when that is the configured size.
    pub(super) fn take(&self, blocks: usize) -> Vec<Block> {
        let pooled = (blocks == self.blocks)
            .then(|| self.pool.lock().ok())
            .flatten()
            .and_then(|mut pool| {
                pool.out += 1;
                pool.free.pop()
            });
        pooled.unwrap_or_else(|| unmapped_when_freed(blocks))
    }

    pub(super) fn give(&self, buffer: Vec<Block>) {
        if buffer.len() != self.blocks {
            return;
        }
        let Ok(mut pool) = self.pool.lock() else {
            return;
        };
        pool.out = pool.out.saturating_sub(1);
        // The idle ones beyond this are freed after the lock is let go.
        let freed = match pool.out {
            0 => std::mem::take(&mut pool.free),
            _ => Vec::new(),
        };
        pool.free.push(buffer);
        drop(pool);
        drop(freed);
    }
}

/// glibc's malloc keeps a freed block of up to 32 MiB (its largest dynamic mmap threshold) in
/// the freeing thread's arena, and serves later ones of that size from the arenas, so buffers
/// freed by different hashing threads pile up (one per arena, 19 MiB each at the defaults).
/// A block above 32 MiB always gets an mmap of its own, unmapped when freed: so each buffer's
/// capacity is above it, of which only the `blocks` used are ever written (and resident).
const DIRECTLY_MAPPED: usize = 32 * 1024 * 1024 / std::mem::size_of::<Block>() + 1;

fn unmapped_when_freed(blocks: usize) -> Vec<Block> {
    let mut buffer = Vec::with_capacity(blocks.max(DIRECTLY_MAPPED));
    buffer.resize(blocks, Block::default());
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_one_idle_buffer_after_a_burst() {
        let buffers = Buffers::new(4);
        let (first, second) = (buffers.take(4), buffers.take(4));
        buffers.give(first);
        buffers.give(second);
        assert_eq!(buffers.idle(), 1);
        // A buffer of another size (a stored hash at other parameters) is never kept.
        let other = buffers.take(8);
        assert_eq!(other.len(), 8);
        assert_eq!(buffers.idle(), 1);
        buffers.give(other);
        assert_eq!(buffers.idle(), 1);
        assert_eq!(buffers.take(4).len(), 4);
        assert_eq!(buffers.idle(), 0);
    }

    #[test]
    fn keeps_the_buffers_of_a_burst_while_it_goes_on() {
        let buffers = Buffers::new(4);
        let (a, b, c) = (buffers.take(4), buffers.take(4), buffers.take(4));
        buffers.give(a);
        buffers.give(b);
        // Two idle while one hash runs: the next two hashes allocate nothing.
        assert_eq!(buffers.idle(), 2);
        let (d, e) = (buffers.take(4), buffers.take(4));
        assert_eq!(buffers.idle(), 0);
        buffers.give(d);
        buffers.give(e);
        assert_eq!(buffers.idle(), 2);
        // The last running hash done: one is kept.
        buffers.give(c);
        assert_eq!(buffers.idle(), 1);
    }
}
