//! Rate-limit state behind the `Limiter` port: `MemoryLimiter` on one instance, and
//! `RedisLimiter` when several instances share their limits (with a fallback when Redis is
//! unreachable).

mod memory;
mod redis_store;

pub use memory::MemoryLimiter;
pub use redis_store::{RedisLimiter, WhenRedisFails};
