//! `Buffers`: the Argon2 working memory the hasher reuses, and how it is given back to the
//! system once hashing stops.

use argon2::Block;
use std::sync::Mutex;

/// Reusable Argon2 working memory of one size (the configured cost): a buffer given back is
/// kept only when no other is idle, so a burst of logins leaves one buffer behind, not one
/// per permit.
pub(super) struct Buffers {
    blocks: usize,
    free: Mutex<Vec<Vec<Block>>>,
}

impl Buffers {
    pub(super) fn new(blocks: usize) -> Self {
        Self {
            blocks,
            free: Mutex::new(Vec::new()),
        }
    }

    #[cfg(test)]
    pub(super) fn for_tests() -> Self {
        Self::new(0)
    }

    /// A buffer of `blocks` blocks: a pooled one when that is the configured size.
    pub(super) fn take(&self, blocks: usize) -> Vec<Block> {
        let pooled =
            (blocks == self.blocks).then(|| self.free.lock().ok().and_then(|mut f| f.pop()));
        pooled
            .flatten()
            .unwrap_or_else(|| unmapped_when_freed(blocks))
    }

    pub(super) fn give(&self, buffer: Vec<Block>) {
        if buffer.len() == self.blocks
            && let Ok(mut free) = self.free.lock()
            && free.is_empty()
        {
            free.push(buffer);
        }
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
        assert_eq!(buffers.free.lock().unwrap().len(), 1);
        // A buffer of another size (a stored hash at other parameters) is never kept.
        let other = buffers.take(8);
        assert_eq!(other.len(), 8);
        assert_eq!(buffers.free.lock().unwrap().len(), 1);
        buffers.give(other);
        assert_eq!(buffers.free.lock().unwrap().len(), 1);
        assert_eq!(buffers.take(4).len(), 4);
        assert!(buffers.free.lock().unwrap().is_empty());
    }
}
